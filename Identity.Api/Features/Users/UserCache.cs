namespace Identity.Api.Features.Users;

/// <summary>
/// Users as responses, by id, kept until the <c>users</c> row changes (its trigger notifies every replica; this
/// process's own writes are handed over at commit): <c>GET /api/users/me</c> and the internal lookups of other
/// services answer from memory (docs/decisions/cache-invalidation.md).
/// </summary>
public sealed class UserCache(ChangeFeed feed)
{
    private readonly ChangeCache<Guid, UserResponse> _users = new(feed, KeysOf);

    public static string Payload(Guid userId) => $"users:{userId}";

    public ValueTask<UserResponse?> GetAsync(IdentityDbContext db, Guid id, CancellationToken cancellationToken) =>
        _users.GetOrLoadAsync(id, db, (context, ct) => UserById(context, id, ct), cancellationToken);

    /// <summary>The users among <paramref name="ids"/> that exist: cached ones from memory, the rest in one query.</summary>
    public async Task<List<UserResponse>> LookupAsync(IdentityDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new List<UserResponse>(ids.Count);
        var missing = new List<Guid>();
        foreach (var id in ids)
        {
            if (_users.TryGet(id, out var user))
            {
                found.Add(user);
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            var stamp = _users.Stamp;
            var loaded = await db.Users.AsNoTracking()
                .Where(u => missing.Contains(u.Id))
                .Select(u => new UserResponse(u.Id, u.FirstName, u.LastName, u.Email, u.IsActive, u.CreatedAt, u.UpdatedAt) { EmailVerified = u.EmailVerifiedAt != null })
                .ToListAsync(cancellationToken);
            foreach (var user in loaded)
            {
                _users.Store(user.Id, user, stamp);
                found.Add(user);
            }
        }

        return found;
    }

    private static IEnumerable<Guid> KeysOf(string payload) =>
        payload.StartsWith("users:", StringComparison.Ordinal) && Guid.TryParse(payload.AsSpan(6), out var id) ? [id] : [];

    /// <summary>Compiled once, untracked, and only the columns of the response (never the password hash).</summary>
    private static readonly Func<IdentityDbContext, Guid, CancellationToken, Task<UserResponse?>> UserById =
        EF.CompileAsyncQuery((IdentityDbContext db, Guid id, CancellationToken _) => db.Users.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new UserResponse(u.Id, u.FirstName, u.LastName, u.Email, u.IsActive, u.CreatedAt, u.UpdatedAt) { EmailVerified = u.EmailVerifiedAt != null })
            .SingleOrDefault());
}
