namespace Identity.Api.Features.Auth;

public static class Jwks
{
    /// <remarks><c>GET /.well-known/jwks.json</c>: the public keys every service validates tokens with.</remarks>
    public static Ok<JwksDocument> Handle(HttpContext context, TokenSigningKeys keys)
    {
        // Short enough that a rotation propagates quickly; validators also refetch on an unknown kid.
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(keys.ToJwks());
    }
}
