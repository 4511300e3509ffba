using System.Security.Cryptography;

namespace Identity.Api.Tokens;

/// <summary>
/// The ES256 key tokens are signed with, from configuration <c>Jwt:SigningKey</c> (PEM; the AppHost passes a secret
/// parameter, production reads Vault). Never generated per process: every instance and every restart must sign with,
/// and publish, the same key. <c>Jwt:PreviousSigningKeys</c> keeps retired keys' public halves published and accepted
/// during a rotation. The <c>kid</c> is the RFC 7638 thumbprint of the public key, so it is stable and derived.
/// </summary>
public sealed class TokenSigningKeys : ISigningKeySource
{
    public const string SigningKeyConfig = "Jwt:SigningKey";
    public const string PreviousKeysConfig = "Jwt:PreviousSigningKeys";

    private readonly IReadOnlyList<ECDsaSecurityKey> _verificationKeys;

    public TokenSigningKeys(string signingKeyPem, IEnumerable<string>? previousKeyPems = null)
    {
        SigningKey = LoadKey(signingKeyPem, requirePrivate: true);
        _verificationKeys = [SigningKey, .. (previousKeyPems ?? []).Select(pem => LoadKey(pem, requirePrivate: false))];
    }

    /// <summary>The current private key, with its <c>kid</c>.</summary>
    public ECDsaSecurityKey SigningKey { get; }

    public static TokenSigningKeys FromConfiguration(IConfiguration configuration)
    {
        var pem = configuration[SigningKeyConfig];
        if (string.IsNullOrWhiteSpace(pem))
        {
            throw new InvalidOperationException(
                $"{SigningKeyConfig} is not configured: an ES256 private key (PEM) is required to issue tokens.");
        }

        return new TokenSigningKeys(pem, configuration.GetSection(PreviousKeysConfig).Get<string[]>());
    }

    public IEnumerable<SecurityKey> GetKeys(string? keyId) =>
        _verificationKeys.Where(k => keyId is null || k.KeyId == keyId);

    /// <summary>The JWKS document (<c>GET /.well-known/jwks.json</c>): public halves only.</summary>
    public JwksDocument ToJwks() => new([.. _verificationKeys.Select(key =>
    {
        var p = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new JwksKey("EC", "sig", SecurityAlgorithms.EcdsaSha256, key.KeyId, "P-256",
            Base64UrlEncoder.Encode(p.Q.X), Base64UrlEncoder.Encode(p.Q.Y));
    })]);

    private static ECDsaSecurityKey LoadKey(string pem, bool requirePrivate)
    {
        // Tolerate a PEM squeezed onto one line with literal \n (common in environment variables).
        var text = pem.Replace("\\n", "\n", StringComparison.Ordinal).Trim();
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(text);
        }
        catch (ArgumentException ex)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("The JWT signing key is not a valid EC key in PEM format.", ex);
        }

        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            ecdsa.Dispose();
            throw new InvalidOperationException("The JWT signing key must be an EC P-256 key (ES256).");
        }

        if (requirePrivate && !HasPrivateKey(ecdsa))
        {
            ecdsa.Dispose();
            throw new InvalidOperationException($"{SigningKeyConfig} must hold the private key.");
        }

        return new ECDsaSecurityKey(ecdsa) { KeyId = Thumbprint(parameters) };
    }

    private static bool HasPrivateKey(ECDsa ecdsa)
    {
        try
        {
            return ecdsa.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexicographic order, base64url.</summary>
    internal static string Thumbprint(ECParameters parameters)
    {
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64UrlEncoder.Encode(parameters.Q.X)}}","y":"{{Base64UrlEncoder.Encode(parameters.Q.Y)}}"}""";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

public sealed record JwksDocument(IReadOnlyList<JwksKey> Keys);

public sealed record JwksKey(string Kty, string Use, string Alg, string Kid, string Crv, string X, string Y);
