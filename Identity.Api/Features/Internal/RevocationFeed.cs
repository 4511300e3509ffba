using Microsoft.AspNetCore.Http.HttpResults;
using SaasPlatform.ServiceDefaults.Auth;

namespace Identity.Api.Features.Internal;

public static class RevocationFeed
{
    /// <remarks>
    /// <c>GET /internal/revocations?after={cursor}</c>: revocations in id order after the cursor, the page every
    /// service's <c>RevocationSync</c> polls (shape: <see cref="RevocationPage"/>, snake_case).
    /// </remarks>
    public static async Task<Ok<RevocationPage>> HandleAsync(long? after, IRevocationFeed feed, CancellationToken cancellationToken) =>
        TypedResults.Ok(await feed.ReadAfterAsync(Math.Max(0, after ?? 0), cancellationToken));
}
