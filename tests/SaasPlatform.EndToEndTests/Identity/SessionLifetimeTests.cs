using System.Net;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>
/// The absolute session lifetime (<c>Jwt:SessionAbsoluteLifetime</c>, 30 days by default): refreshing cannot carry a
/// session past it. The session's start is moved back in identitydb, which is how a month passes in a test.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SessionLifetimeTests(PlatformFixture platform)
{
    [Fact]
    public async Task Refresh_never_issues_tokens_past_the_session_end_and_is_refused_after_it()
    {
        using var gateway = platform.CreateGatewayClient();
        var session = await NewSessionAsync(gateway, UniqueEmail("lifetime"));

        // The session began 30 days minus one hour ago: it has an hour left.
        await MoveSessionStartAsync(session, "30 days", "- interval '1 hour'");
        var refreshed = await (await RefreshAsync(gateway, session.RefreshToken)).JsonAsync();
        var refreshToken = refreshed.GetProperty("refresh_token").GetString()!;
        var left = DateTimeOffset.FromUnixTimeSeconds(JwtPart(refreshToken, 1).GetProperty("exp").GetInt64()) - DateTimeOffset.UtcNow;
        Assert.InRange(left, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61)); // not the 7 days a refresh token otherwise gets

        // Past the end, the still-unexpired refresh token is refused.
        await MoveSessionStartAsync(session, "30 days", "+ interval '1 minute'");
        var refused = await AssertErrorAsync(await RefreshAsync(gateway, refreshToken), HttpStatusCode.Unauthorized, "token_expired");
        Assert.Contains("lifetime", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_session_refreshes_normally()
    {
        using var gateway = platform.CreateGatewayClient();
        var session = await NewSessionAsync(gateway, UniqueEmail("lifetime-fresh"));

        var refreshed = await (await RefreshAsync(gateway, session.RefreshToken)).JsonAsync();

        var exp = DateTimeOffset.FromUnixTimeSeconds(JwtPart(refreshed.GetProperty("refresh_token").GetString()!, 1).GetProperty("exp").GetInt64());
        Assert.InRange(exp - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(2), TimeSpan.FromDays(7));
    }

    private Task MoveSessionStartAsync(Session session, string age, string adjustment) =>
        IdentityDatabase.ExecuteAsync(platform,
            $"UPDATE sessions SET created_at = now() - interval '{age}' {adjustment} WHERE user_id = @u",
            ("u", session.UserId));
}
