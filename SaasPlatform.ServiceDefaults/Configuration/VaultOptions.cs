namespace SaasPlatform.ServiceDefaults.Configuration;

/// <summary>
/// Where a service reads its secrets from HashiCorp Vault (section <c>Vault</c>). Nothing is read unless
/// <see cref="Address"/> is set; then either <see cref="Token"/> or <see cref="RoleId"/> + <see cref="SecretId"/>
/// (AppRole) is required.
/// </summary>
public sealed class VaultOptions
{
    public const string SectionName = "Vault";

    /// <summary>Vault's address, e.g. <c>http://localhost:8200</c>.</summary>
    public Uri? Address { get; set; }

    /// <summary>A Vault token, sent as <c>X-Vault-Token</c>. Takes precedence over AppRole.</summary>
    public string? Token { get; set; }

    /// <summary>AppRole role id; used with <see cref="SecretId"/> when no <see cref="Token"/> is set.</summary>
    public string? RoleId { get; set; }

    public string? SecretId { get; set; }

    /// <summary>Where the AppRole auth method is mounted (<c>/v1/auth/{AppRoleMount}/login</c>).</summary>
    public string AppRoleMount { get; set; } = "approle";

    /// <summary>Where the KV version 2 secrets engine is mounted.</summary>
    public string Mount { get; set; } = "secret";

    /// <summary>
    /// The secret(s) to read under <see cref="Mount"/>. Several may be listed, comma-separated
    /// (e.g. <c>saas-platform,saas-platform/identity-api</c>): later ones win for keys they share.
    /// </summary>
    public string Path { get; set; } = "saas-platform";

    /// <summary>How often the secrets are read again; a change reloads configuration without a restart.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// False (default): a Vault that cannot be read at start-up stops the service with an error.
    /// True: the service starts on its other configuration sources and keeps trying on every refresh.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>Per request to Vault.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Paths =>
        Path.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Trim('/'))
            .Where(p => p.Length > 0)
            .ToList();

    internal bool UsesAppRole => string.IsNullOrEmpty(Token);

    /// <summary>Settings that can never work, whatever Vault answers: reported at start-up even when Optional.</summary>
    internal void Validate()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new VaultException($"Vault:Address '{Address}' is not an absolute http(s) address.");
        }

        if (string.IsNullOrEmpty(Token) && (string.IsNullOrEmpty(RoleId) || string.IsNullOrEmpty(SecretId)))
        {
            throw new VaultException(
                $"Vault:Address is set to {Address} but no credentials are: set Vault:Token, or Vault:RoleId and Vault:SecretId (AppRole).");
        }

        if (string.IsNullOrWhiteSpace(Mount) || Paths.Count == 0)
        {
            throw new VaultException("Vault:Mount and Vault:Path must name the KV v2 secret(s) to read.");
        }

        if (RefreshInterval <= TimeSpan.Zero || Timeout <= TimeSpan.Zero)
        {
            throw new VaultException("Vault:RefreshInterval and Vault:Timeout must be positive durations (e.g. 00:05:00).");
        }
    }
}

/// <summary>A Vault failure, with a message that says which Vault, which secret, and what to check.</summary>
public sealed class VaultException : Exception
{
    public VaultException(string message) : base(message)
    {
    }

    public VaultException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public VaultException()
    {
    }

    /// <summary>The HTTP status Vault answered with, when it answered.</summary>
    public int? StatusCode { get; init; }
}
