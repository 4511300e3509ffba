namespace Identity.Api.Accounts;

/// <summary>
/// The field rules of registration, login and profile update (contract §2.2, §2.3, §2.6), with the original's
/// messages. Each returns the clean value (trimmed, email lower-cased) or null after recording the problem.
/// </summary>
public static class AccountRules
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 255;
    public const int MinPasswordLength = 8;

    /// <summary>bcrypt reads only 72 bytes; a longer password is refused rather than silently truncated.</summary>
    public const int MaxPasswordBytes = 72;

    public static string? Email(Validation validation, TextField field, string name = "email")
    {
        if (!validation.IsString(name, field))
        {
            return null;
        }

        var value = field.Value!.Trim();
        if (value.Length > MaxEmailLength)
        {
            validation.Add(name, $"Longer than maximum length {MaxEmailLength}.");
            return null;
        }

        if (!EmailAddress.IsValid(value))
        {
            validation.Add(name, "Not a valid email address.");
            return null;
        }

        return value.ToLowerInvariant();
    }

    /// <summary>The strength rule of registration: 8+ characters, an ASCII letter, a digit, at most 72 bytes.</summary>
    public static string? NewPassword(Validation validation, TextField field, string name = "password")
    {
        if (!validation.IsString(name, field))
        {
            return null;
        }

        var password = field.Value!;
        var valid = true;
        if (password.EnumerateRunes().Count() < MinPasswordLength)
        {
            validation.Add(name, $"Password must be at least {MinPasswordLength} characters");
            valid = false;
        }

        if (!password.Any(char.IsAsciiLetter))
        {
            validation.Add(name, "Password must contain at least one letter");
            valid = false;
        }

        // Python's \d, as in the original: any Unicode decimal digit.
        if (!password.Any(char.IsDigit))
        {
            validation.Add(name, "Password must contain at least one number");
            valid = false;
        }

        return TooLong(validation, password, name) || !valid ? null : password;
    }

    /// <summary>Login checks presence only (no strength rule), plus the byte limit so a long password cannot match a truncated hash.</summary>
    public static string? LoginPassword(Validation validation, TextField field)
    {
        const string name = "password";
        if (!validation.IsString(name, field))
        {
            return null;
        }

        if (field.Value!.Length == 0)
        {
            validation.Add(name, "Shorter than minimum length 1.");
            return null;
        }

        return TooLong(validation, field.Value) ? null : field.Value;
    }

    /// <summary>A first or last name: 1-100 characters once trimmed; whitespace-only and null refused.</summary>
    public static string? Name(Validation validation, string name, string label, TextField field, bool required)
    {
        if (!field.Present && !required)
        {
            return null;
        }

        return validation.IsString(name, field)
            ? validation.RequiredText(name, field.Value, 1, MaxNameLength, label)
            : null;
    }

    private static bool TooLong(Validation validation, string password, string name = "password")
    {
        if (Encoding.UTF8.GetByteCount(password) <= MaxPasswordBytes)
        {
            return false;
        }

        validation.Add(name, $"Password must be at most {MaxPasswordBytes} bytes");
        return true;
    }
}
