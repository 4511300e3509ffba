namespace SaasPlatform.ServiceDefaults.Configuration;

/// <summary>
/// How a Vault secret's keys become configuration keys. Each key of the KV v2 secret is a configuration key written
/// the way an environment variable or a JSON file would write it:
/// <list type="bullet">
/// <item><c>__</c> separates sections, as in environment variables: <c>Jwt__SigningKey</c> is <c>Jwt:SigningKey</c>,
/// <c>ConnectionStrings__identitydb</c> is <c>ConnectionStrings:identitydb</c>.</item>
/// <item><c>:</c> may be used directly: <c>Jwt:SigningKey</c>.</item>
/// <item>A JSON object value nests, as in appsettings.json: <c>{"Storage": {"SecretKey": "..."}}</c> is
/// <c>Storage:SecretKey</c>; arrays index from 0 (<c>Cors:Origins:0</c>).</item>
/// <item>Strings are taken as they are; numbers and booleans as their JSON text (<c>true</c>, <c>5</c>); null as null.</item>
/// </list>
/// Keys are case-insensitive, like all configuration keys.
/// </summary>
public static class VaultKeyMapper
{
    public static string ToConfigurationKey(string secretKey) =>
        secretKey.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    /// <summary>Adds (or overwrites) the keys of one secret's <c>data.data</c> object.</summary>
    public static void AddSecret(JsonElement secret, IDictionary<string, string?> into)
    {
        if (secret.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in secret.EnumerateObject())
        {
            Add(ToConfigurationKey(property.Name), property.Value, into);
        }
    }

    private static void Add(string key, JsonElement value, IDictionary<string, string?> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Add(ConfigurationPath.Combine(key, ToConfigurationKey(property.Name)), property.Value, into);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Add(ConfigurationPath.Combine(key, (index++).ToString(CultureInfo.InvariantCulture)), item, into);
                }

                break;
            case JsonValueKind.String:
                into[key] = value.GetString();
                break;
            case JsonValueKind.Null:
                into[key] = null;
                break;
            default:
                into[key] = value.GetRawText();
                break;
        }
    }
}
