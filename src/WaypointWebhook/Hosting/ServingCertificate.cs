using System.Security.Cryptography.X509Certificates;

namespace WaypointWebhook.Hosting;

/// <summary>The serving certificate and key, read from PEM files.</summary>
public sealed class ServingCertificate
{
    private readonly string certificateFile;
    private readonly string keyFile;
    private volatile X509Certificate2? current;

    public ServingCertificate(string certificateFile, string keyFile)
    {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    /// <summary>The certificate Kestrel presents; null until loaded.</summary>
    public X509Certificate2? Current => current;

    /// <summary>Loads the pair, failing with a message that names the files when they do not match or cannot be read.</summary>
    public X509Certificate2 Load()
    {
        X509Certificate2 certificate;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

            // Kestrel on Linux accepts the ephemeral key of CreateFromPemFile; exporting to PKCS#12 keeps the
            // key usable everywhere (Windows needs a persisted key for TLS).
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new SettingsException($"cannot load the serving certificate from {certificateFile} and {keyFile}: {e.Message}");
        }

        current = certificate;
        return certificate;
    }
}
