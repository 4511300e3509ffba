namespace Identity.Api.Sessions;

public sealed record TokenPair(IssuedToken Access, IssuedToken Refresh);

public enum RotationOutcome
{
    Rotated,
    /// <summary>The refresh token was already used: a replay, so the whole session has been revoked.</summary>
    Reused,
    /// <summary>No such refresh token (its session was cleaned up or it never was ours).</summary>
    Unknown,
    /// <summary>The session has reached its absolute lifetime (<see cref="JwtSettings.SessionAbsoluteLifetime"/>).</summary>
    Expired,
}

/// <summary>
/// Sessions and their tokens (decision D6): login starts a session; each refresh uses up its refresh token and issues
/// a new pair; a used refresh token presented again revokes the session; logout revokes the access token and session.
/// A session ends at the latest <see cref="JwtSettings.SessionAbsoluteLifetime"/> after the login: no token issued in
/// it outlives that, however often it is refreshed. Logins, logouts and refresh-token reuse are audit events, written
/// to the outbox with the change itself.
/// </summary>
public sealed class SessionService(
    IdentityDbContext db, TokenIssuer issuer, RevocationWriter revocations, IOptions<JwtSettings> settings, TimeProvider time)
{
    public async Task<TokenPair> StartAsync(Guid userId, string? clientAddress, CancellationToken cancellationToken)
    {
        var session = new Session { Id = Guid.NewGuid(), UserId = userId, CreatedAt = time.GetUtcNow() };
        var pair = Issue(session);
        db.Sessions.Add(session);
        db.EnqueueAudit(null, userId, AuditActions.UserLogin, "session", session.Id.ToString(),
            new { client_address = clientAddress }, time);
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }

    public async Task<(RotationOutcome Outcome, TokenPair? Tokens)> RotateAsync(
        RefreshTokenClaims token, string? clientAddress, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var (outcome, pair) = await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Claim the token atomically: of two concurrent refreshes with one token, exactly one wins.
            var now = time.GetUtcNow();
            var claimed = await db.RefreshTokens
                .Where(t => t.Jti == token.Jti && t.SessionId == token.SessionId && t.UsedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), ct);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct);
                var known = await db.RefreshTokens.AnyAsync(t => t.Jti == token.Jti && t.SessionId == token.SessionId, ct);
                return (known ? RotationOutcome.Reused : RotationOutcome.Unknown, (TokenPair?)null);
            }

            var session = await db.Sessions.SingleOrDefaultAsync(s => s.Id == token.SessionId && s.RevokedAt == null, ct);
            if (session is null)
            {
                await transaction.RollbackAsync(ct);
                return (RotationOutcome.Unknown, null);
            }

            // Whole seconds, as in the tokens: a session past its end (or ending within the second) issues nothing.
            if (AbsoluteEnd(session).ToUnixTimeSeconds() <= now.ToUnixTimeSeconds())
            {
                await transaction.RollbackAsync(ct);
                return (RotationOutcome.Expired, null);
            }

            var issued = Issue(session);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (RotationOutcome.Rotated, issued);
        }, cancellationToken);

        if (outcome == RotationOutcome.Reused)
        {
            // A replay means the token leaked (or a client raced itself): the session goes, and operators hear of it.
            await RevokeSessionsAsync([token.SessionId], extraTokens: [], cancellationToken);
            db.EnqueueAudit(null, token.UserId, AuditActions.RefreshTokenReused, "session", token.SessionId.ToString(),
                new { client_address = clientAddress, refresh_token_id = token.Jti }, time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return (outcome, pair);
    }

    /// <summary>Logout: the access token itself, its session, and any other session named by the client's refresh token.</summary>
    public async Task LogoutAsync(Guid userId, Guid accessJti, DateTimeOffset accessExpiresAt, IReadOnlyList<Guid> sessionIds,
        string? clientAddress, CancellationToken cancellationToken)
    {
        await RevokeSessionsAsync(sessionIds, [(accessJti, accessExpiresAt)], cancellationToken);
        db.EnqueueAudit(null, userId, AuditActions.UserLogout, "session", sessionIds[0].ToString(),
            new { client_address = clientAddress, sessions = sessionIds.Distinct().Count() }, time);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Ends every live session of the user started before <paramref name="startedBefore"/> (a password reset): their access tokens are refused everywhere within the
    /// revocation feed's delay, their refresh tokens at once. Returns how many sessions ended.
    /// </summary>
    public async Task<int> RevokeAllSessionsAsync(Guid userId, DateTimeOffset startedBefore, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now && s.CreatedAt < startedBefore)
            .Select(s => s.Id)
            .ToListAsync(cancellationToken);
        if (ids.Count > 0)
        {
            await RevokeSessionsAsync(ids, extraTokens: [], cancellationToken);
        }

        return ids.Count;
    }

    private async Task RevokeSessionsAsync(
        IReadOnlyList<Guid> sessionIds, IReadOnlyList<(Guid Jti, DateTimeOffset ExpiresAt)> extraTokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = sessionIds.Distinct().ToArray();
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => ids.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.ExpiresAt, cancellationToken);
        var entries = new List<(string, string, DateTimeOffset)>();
        entries.AddRange(extraTokens.Select(t => (RevocationKinds.Token, t.Jti.ToString(), t.ExpiresAt)));
        // A session row already cleaned up has no live token left; the fallback bound is the longest lifetime anyway.
        entries.AddRange(ids.Select(id =>
            (RevocationKinds.Session, id.ToString(), sessions.GetValueOrDefault(id, now + issuer.RefreshLifetime))));

        await revocations.RevokeAsync(entries, cancellationToken);
        await db.Sessions
            .Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    private DateTimeOffset AbsoluteEnd(Session session) => session.CreatedAt + settings.Value.SessionAbsoluteLifetime;

    /// <summary>
    /// A new access and refresh token for the session (neither past the session's absolute end), the refresh token
    /// recorded, the session's expiry extended.
    /// </summary>
    private TokenPair Issue(Session session)
    {
        var end = AbsoluteEnd(session);
        var access = issuer.CreateAccessToken(session.UserId, session.Id, end);
        var refresh = issuer.CreateRefreshToken(session.UserId, session.Id, end);
        db.RefreshTokens.Add(new RefreshToken
        {
            Jti = refresh.Jti,
            SessionId = session.Id,
            IssuedAt = refresh.IssuedAt,
            ExpiresAt = refresh.ExpiresAt,
        });
        var latest = access.ExpiresAt > refresh.ExpiresAt ? access.ExpiresAt : refresh.ExpiresAt;
        if (latest > session.ExpiresAt)
        {
            session.ExpiresAt = latest;
        }

        return new TokenPair(access, refresh);
    }
}
