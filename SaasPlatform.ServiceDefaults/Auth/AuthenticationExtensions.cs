using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.ServiceDefaults.Auth;

public static class AuthenticationExtensions
{
    /// <summary>How far validators tolerate clocks apart; expiry and not-before are checked with this margin.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const string RevokedFailure = "Token has been revoked";
    private const string RevocationsStaleFailure = "Revocations are not current";

    /// <summary>
    /// Bearer authentication for services that validate tokens issued elsewhere: public keys from the issuer's JWKS,
    /// revocations from its feed.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JwksSigningKeySource>();
        builder.Services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<JwksSigningKeySource>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JwksSigningKeySource>());
        // Read continuously (long polls): per-request HttpClient logs would flood every service's log (failures are still logged by RevocationSync).
        builder.Services.AddHttpClient<IRevocationFeed, HttpRevocationFeed>().AddInternalApiKey().RemoveAllLoggers();
        return builder.AddTokenValidation();
    }

    /// <summary>
    /// The validation every service shares: ES256 access tokens, the <c>type</c> claim, the revocation list, and
    /// every failure answered in the envelope. The issuer registers its own <see cref="ISigningKeySource"/> and
    /// <see cref="IRevocationFeed"/> and calls this directly.
    /// </summary>
    public static IHostApplicationBuilder AddTokenValidation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JwtSettings>(builder.Configuration.GetSection(JwtSettings.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RevocationList>();
        services.AddHostedService<RevocationSync>();
        services.AddHealthChecks().AddCheck<RevocationHealthCheck>("revocations");

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ISigningKeySource, IOptions<JwtSettings>, TimeProvider>((options, keys, settings, time) =>
            {
                options.MapInboundClaims = false;
                // Validated tokens are remembered until they expire; revocation is still checked per request below.
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CachingTokenHandler(time));
                options.TokenValidationParameters = CreateValidationParameters(settings.Value, keys);
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = ValidateTokenAsync,
                    OnChallenge = WriteChallengeAsync,
                    OnForbidden = context => ApiError.Forbidden("You do not have permission to perform this action")
                        .ExecuteAsync(context.HttpContext),
                };
            });
        services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// The validation parameters of every service (and of Identity's refresh tokens): ES256 only (so neither
    /// <c>alg=none</c> nor an HMAC keyed with the public key can pass), the platform's issuer and audience, a signed
    /// token with an expiry, 30 s of clock skew, and keys resolved by <c>kid</c> from <paramref name="keys"/>.
    /// </summary>
    public static TokenValidationParameters CreateValidationParameters(JwtSettings settings, ISigningKeySource keys) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        IssuerSigningKeyResolver = (_, _, kid, _) => keys.GetKeys(kid),
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
    };

    private static async Task ValidateTokenAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (principal.FindFirstValue(TokenClaims.Type) != TokenClaims.AccessType)
        {
            context.Fail("Only access tokens are allowed");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var revocations = services.GetRequiredService<RevocationList>();
        if (!revocations.IsSynced)
        {
            // Only until the first sync: a linked source and its timer on every request cost more than the check.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.HttpContext.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await revocations.WaitForFirstSyncAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                // Not loaded in time: answered like a stale view below (503), not as an error.
            }
        }

        // Fail closed: a view the feed has not refreshed lately may be missing a logout.
        if (!revocations.IsCurrent(services.GetRequiredService<TimeProvider>().GetUtcNow(), services.GetRequiredService<IOptions<JwtSettings>>().Value.RevocationMaxStaleness))
        {
            context.Fail(RevocationsStaleFailure);
            return;
        }

        if (revocations.IsRevoked(
                principal.FindFirstValue(JwtRegisteredClaimNames.Jti),
                principal.FindFirstValue(TokenClaims.Session),
                principal.FindFirstValue(JwtRegisteredClaimNames.Sub)))
        {
            context.Fail(RevokedFailure);
        }
    }

    private static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        if (failure?.Message == RevocationsStaleFailure)
        {
            context.Response.Headers.RetryAfter = "1";
            return new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "Token checks are unavailable, retry shortly").ExecuteAsync(context.HttpContext);
        }

        var error = failure switch
        {
            null => ApiError.Unauthorized("Missing Authorization Header", ErrorCodes.Unauthorized),
            SecurityTokenExpiredException => ApiError.Unauthorized("Token has expired", ErrorCodes.TokenExpired),
            { Message: RevokedFailure } => ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked),
            _ => ApiError.Unauthorized(
                failure.Message == "Only access tokens are allowed" ? failure.Message : "Invalid token",
                ErrorCodes.InvalidToken),
        };
        return error.ExecuteAsync(context.HttpContext);
    }

    /// <summary>The caller's user id (the token's <c>sub</c>) on an authenticated endpoint.</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(JwtRegisteredClaimNames.Sub)
            ?? throw new InvalidOperationException("Endpoint is not authenticated"));
}
