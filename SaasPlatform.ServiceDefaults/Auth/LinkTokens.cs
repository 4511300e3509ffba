using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>
/// The secrets in e-mailed links (password reset, verification, change of e-mail): 32 bytes from the OS's CSPRNG as
/// base64url, of which only the SHA-256 is stored (docs/decisions/account-email-tokens.md).
/// </summary>
public static class LinkTokens
{
    /// <summary>Characters of a token (32 bytes, base64url without padding).</summary>
    public const int Length = 43;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex SHA-256 of the token's text: what the database keeps and looks up.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether the text can be a token at all (checked before any lookup).</summary>
    public static bool IsWellFormed(string? token) => token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
