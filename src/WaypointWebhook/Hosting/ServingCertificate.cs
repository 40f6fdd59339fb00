using System.Security.Cryptography.X509Certificates;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Hosting;

/// <summary>
/// The serving certificate and key, read from PEM files and re-read when they change: a Secret volume
/// swaps a symlink when cert-manager (or an operator) rotates the pair, and the next TLS handshake
/// presents the new certificate without a restart.
/// </summary>
public sealed class ServingCertificate(string certificateFile, string keyFile)
{
    private volatile X509Certificate2? current;
    private byte[] loadedCertificate = [];
    private byte[] loadedKey = [];

    /// <summary>The certificate Kestrel presents; null until loaded.</summary>
    public X509Certificate2? Current => current;

    public string CertificateFile => certificateFile;

    /// <summary>Loads the pair, failing with a message that names the files when they do not match or cannot be read.</summary>
    public X509Certificate2 Load()
    {
        var (certificateBytes, keyBytes) = ReadFiles();
        return Install(certificateBytes, keyBytes);
    }

    /// <summary>
    /// Loads the pair again if either file changed. A half-rotated pair (new certificate, old key) fails
    /// to load: the old certificate stays until the next check sees both halves.
    /// </summary>
    /// <returns>True when a new certificate was installed.</returns>
    public bool ReloadIfChanged()
    {
        var (certificateBytes, keyBytes) = ReadFiles();
        if (certificateBytes.AsSpan().SequenceEqual(loadedCertificate) && keyBytes.AsSpan().SequenceEqual(loadedKey))
        {
            return false;
        }

        Install(certificateBytes, keyBytes);
        return true;
    }

    private (byte[] Certificate, byte[] Key) ReadFiles()
    {
        try
        {
            return (File.ReadAllBytes(certificateFile), File.ReadAllBytes(keyFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"cannot read the serving certificate {certificateFile} or key {keyFile}: {e.Message}");
        }
    }

    private X509Certificate2 Install(byte[] certificateBytes, byte[] keyBytes)
    {
        X509Certificate2 certificate;
        try
        {
            using var pem = X509Certificate2.CreateFromPem(
                System.Text.Encoding.ASCII.GetString(certificateBytes), System.Text.Encoding.ASCII.GetString(keyBytes));

            // A PKCS#12 round trip gives the key a form every platform's TLS stack accepts.
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new SettingsException($"cannot load the serving certificate from {certificateFile} and {keyFile}: {e.Message}");
        }

        current = certificate;
        loadedCertificate = certificateBytes;
        loadedKey = keyBytes;
        return certificate;
    }
}
