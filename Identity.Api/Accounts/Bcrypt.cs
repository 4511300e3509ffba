using System.Security.Cryptography;

namespace Identity.Api.Accounts;

/// <summary>
/// One bcrypt implementation: <see cref="NativeBcrypt"/> (libxcrypt) where the library is present, otherwise
/// <see cref="ManagedBcrypt"/> (BCrypt.Net-Next). Both read and write the same modular crypt format, so hashes move
/// freely between them (docs/decisions/native-bcrypt.md).
/// </summary>
internal interface IBcrypt
{
    /// <summary>The full hash for <paramref name="setting"/> (<c>$2b$NN$</c> and 22 salt characters), or null when refused.</summary>
    string? Crypt(string password, string setting);
}

/// <summary>What both implementations share: salts, the hash shape, the constant-time comparison.</summary>
internal static class BcryptFormat
{
    // bcrypt's own base64 alphabet (not RFC 4648's).
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>$2b$</c> + two-digit cost + <c>$</c> + 22 characters encoding 16 bytes from the CSPRNG.</summary>
    public static string NewSetting(int cost) => BCrypt.Net.BCrypt.GenerateSalt(cost, 'b');

    /// <summary>
    /// <c>$2a$</c>, <c>$2b$</c>, <c>$2x$</c> or <c>$2y$</c>, a cost of 04-31, and 53 characters of salt and hash: the
    /// only strings either implementation is given, so anything else (another crypt scheme included) simply fails.
    /// </summary>
    public static bool TryReadCost(string? hash, out int cost)
    {
        cost = 0;
        if (hash is not { Length: 60 } || hash[0] != '$' || hash[1] != '2' || hash[2] is not ('a' or 'b' or 'x' or 'y')
            || hash[3] != '$' || hash[6] != '$' || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        for (var i = 7; i < hash.Length; i++)
        {
            if (!Alphabet.Contains(hash[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        cost = (hash[4] - '0') * 10 + (hash[5] - '0');
        return cost is >= 4 and <= 31;
    }

    /// <summary>Recomputes the hash with the stored one as setting and compares in constant time.</summary>
    public static bool Verify(IBcrypt bcrypt, string password, string hash)
    {
        if (!TryReadCost(hash, out _))
        {
            return false;
        }

        var computed = bcrypt.Crypt(password, hash);
        return computed is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(hash));
    }
}
