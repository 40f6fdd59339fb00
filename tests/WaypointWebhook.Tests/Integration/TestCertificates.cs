using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WaypointWebhook.Tests.Integration;

/// <summary>A CA and a serving certificate for localhost made at test time, written as PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    /// <param name="validFor">The leaf's validity from five minutes ago (negative: long expired).</param>
    public TestCertificates(TimeSpan? validFor = null, string commonName = "localhost")
    {
        Directory = Path.Combine(Path.GetTempPath(), "waypoint-certs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=waypoint-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        Authority = caRequest.CreateSelfSigned(now.AddDays(-30), now.AddDays(400));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var validity = validFor ?? TimeSpan.FromDays(10);
        var notBefore = validity > TimeSpan.Zero ? now : now.Add(validity).AddDays(-1);
        using var leaf = request.Create(Authority, notBefore, now.Add(validity), RandomNumberGenerator.GetBytes(16));
        Serial = leaf.SerialNumber;

        CertificateFile = Path.Combine(Directory, "tls.crt");
        KeyFile = Path.Combine(Directory, "tls.key");
        File.WriteAllText(CertificateFile, leaf.ExportCertificatePem() + "\n" + Authority.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    public string Serial { get; }

    public string CertificateFile { get; }

    public string KeyFile { get; }

    /// <summary>An HttpClient that trusts only this CA, as the API server trusts only its caBundle.</summary>
    public HttpClient Client(Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(Authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public void Dispose()
    {
        Authority.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind harms nothing.
        }
    }
}
