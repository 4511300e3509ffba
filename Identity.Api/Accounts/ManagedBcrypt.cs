namespace Identity.Api.Accounts;

/// <summary>BCrypt.Net-Next: the fallback where libxcrypt is missing (about 1.6x slower than native at cost 12 here).</summary>
internal sealed class ManagedBcrypt : IBcrypt
{
    public static readonly ManagedBcrypt Instance = new();

    public string? Crypt(string password, string setting)
    {
        try
        {
            // HashPassword with a full hash as salt reads only its setting part, like crypt(3).
            return BCrypt.Net.BCrypt.HashPassword(password, setting);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return null;
        }
    }
}
