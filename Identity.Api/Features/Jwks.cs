using Identity.Api.Tokens;

namespace Identity.Api.Features;

public static class Jwks
{
    /// <summary><c>GET /.well-known/jwks.json</c>: the public keys every service validates tokens with.</summary>
    public static WebApplication MapJwks(this WebApplication app)
    {
        app.MapGet("/.well-known/jwks.json", (HttpContext context, TokenSigningKeys keys) =>
        {
            // Short enough that a rotation propagates quickly; validators also refetch on an unknown kid.
            context.Response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Ok(keys.ToJwks());
        }).WithName("Jwks");
        return app;
    }
}
