using Identity.Api.Accounts;
using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Features.AccountEmails;

/// <summary>What the endpoints that take a token from an e-mail link share.</summary>
internal static class AccountLinks
{
    /// <summary>Unknown, used, expired or for another purpose: one answer, so a probe learns nothing about which.</summary>
    public static ApiError Invalid() =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidToken, "This link is invalid, has expired or has already been used");

    /// <summary>The <c>token</c> field: a non-empty string (its length and value are checked by <see cref="AccountTokens"/>).</summary>
    public static string? Token(Validation validation, TextField field)
    {
        if (!field.Present)
        {
            validation.Add("token", "Missing data for required field.");
        }
        else if (field.Value is { Length: > 0 and <= 512 } token)
        {
            return token;
        }
        else
        {
            validation.Add("token", "Not a valid token.");
        }

        return null;
    }
}
