using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// The email format the original accepted (marshmallow's <c>Email</c> validator): a dot-atom or quoted local part,
/// then a domain of DNS labels with a TLD of at least two characters, an IPv4 literal, or <c>localhost</c>;
/// internationalised domains are checked in their IDNA form. Shared, so that registration and invitations accept the
/// same addresses.
/// </summary>
public static partial class EmailAddress
{
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        var at = value.LastIndexOf('@');
        var user = value[..at];
        var domain = value[(at + 1)..];
        if (!UserPart().IsMatch(user))
        {
            return false;
        }

        if (domain == "localhost" || DomainPart().IsMatch(domain))
        {
            return true;
        }

        try
        {
            var ascii = new IdnMapping().GetAscii(domain);
            return DomainPart().IsMatch(ascii);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("""^(?:[-!#$%&'*+/=?^`{}|~\w]+(?:\.[-!#$%&'*+/=?^`{}|~\w]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")\z""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserPart();

    [GeneratedRegex("""^(?:(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:[A-Z]{2,6}|[A-Z0-9-]{2,}(?<!-))|\[(?:25[0-5]|2[0-4]\d|[0-1]?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|[0-1]?\d?\d)){3}\])\z""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DomainPart();
}
