namespace Identity.Api.Accounts;

/// <summary>
/// Issues and redeems the single-use tokens of account e-mails (docs/decisions/account-email-tokens.md): 32 random
/// bytes, base64url (43 characters), of which identitydb keeps only the SHA-256 (<see cref="LinkTokens"/>). Issuing a token retires the user's
/// earlier live tokens of the same purpose, so only the latest link works. Nothing is saved here: the caller's
/// <c>SaveChanges</c> commits the token (or its use) with the change it belongs to.
/// </summary>
public sealed class AccountTokens(IdentityDbContext db, TimeProvider time)
{
    public async Task<string> IssueAsync(Guid userId, string purpose, TimeSpan lifetime, string? email, CancellationToken cancellationToken)
    {
        var now = time.UtcNowForDatabase();
        var live = await db.AccountTokens
            .Where(t => t.UserId == userId && t.Purpose == purpose && t.UsedAt == null && t.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var earlier in live)
        {
            earlier.UsedAt = now;
        }

        var token = LinkTokens.New();
        db.AccountTokens.Add(new AccountToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Purpose = purpose,
            TokenHash = LinkTokens.Hash(token),
            Email = email,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        return token;
    }

    /// <summary>
    /// The live token of <paramref name="purpose"/> with this text, marked used (committed by the caller's next
    /// <c>SaveChanges</c>, which throws <see cref="DbUpdateConcurrencyException"/> if a concurrent request used it
    /// first); null when unknown, used, expired or of another purpose.
    /// </summary>
    public async Task<AccountToken?> RedeemAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        if (!LinkTokens.IsWellFormed(token))
        {
            return null;
        }

        var hash = LinkTokens.Hash(token!);
        var now = time.UtcNowForDatabase();
        var found = await db.AccountTokens.SingleOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose, cancellationToken);
        if (found is null || found.UsedAt is not null || found.ExpiresAt <= now)
        {
            return null;
        }

        found.UsedAt = now;
        return found;
    }
}
