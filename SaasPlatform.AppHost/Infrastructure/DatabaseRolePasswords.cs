namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// One generated, persisted secret parameter per database role (<c>identity-api-db-password</c>, ...): the keys a
/// deployment's Secret holds instead of the superuser's password.
/// </summary>
public sealed class DatabaseRolePasswords
{
    private readonly Dictionary<string, IResourceBuilder<ParameterResource>> _passwords;

    public DatabaseRolePasswords(IDistributedApplicationBuilder builder) =>
        _passwords = DatabaseRoles.All.ToDictionary(
            r => r.Role,
            r => builder.AddParameter(DatabaseRoles.PasswordParameter(r.Role), new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true));

    public ParameterResource this[string role] => _passwords[role].Resource;

    public IEnumerable<(string Role, IResourceBuilder<ParameterResource> Password)> All => _passwords.Select(p => (p.Key, p.Value));

    public async Task<IReadOnlyDictionary<string, string>> ResolveAsync(CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>();
        foreach (var (role, password) in _passwords)
        {
            values[role] = await password.Resource.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"No value for the parameter '{password.Resource.Name}'");
        }

        return values;
    }
}
