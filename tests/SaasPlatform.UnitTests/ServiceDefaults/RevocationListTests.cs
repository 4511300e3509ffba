using SaasPlatform.ServiceDefaults.Auth;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_revoked_token_session_or_user_is_refused_and_others_are_not()
    {
        var list = new RevocationList();
        list.Apply(new RevocationPage(
        [
            new(1, RevocationKinds.Token, "jti-1", Now.AddMinutes(5)),
            new(2, RevocationKinds.Session, "sid-1", Now.AddMinutes(5)),
            new(3, RevocationKinds.User, "user-1", Now.AddMinutes(5)),
        ], 3), Now);

        Assert.True(list.IsRevoked("jti-1", null, null));
        Assert.True(list.IsRevoked("other", "sid-1", null));
        Assert.True(list.IsRevoked("other", "other", "user-1"));
        Assert.False(list.IsRevoked("jti-2", "sid-2", "user-2"));
        Assert.Equal(3, list.Cursor);
        Assert.True(list.IsSynced);
    }

    [Fact]
    public void Entries_of_expired_tokens_are_pruned()
    {
        var list = new RevocationList();
        list.Apply(new RevocationPage([new(1, RevocationKinds.Token, "jti-1", Now.AddMinutes(1))], 1), Now);

        list.Prune(Now.AddMinutes(2));

        Assert.False(list.IsRevoked("jti-1", null, null));
    }

    [Fact]
    public void The_view_is_current_only_within_the_staleness_bound_of_the_last_complete_poll()
    {
        var list = new RevocationList();
        var bound = TimeSpan.FromSeconds(5);
        Assert.False(list.IsCurrent(Now, bound));   // never polled

        list.Apply(new RevocationPage([], 0), Now);
        Assert.False(list.IsCurrent(Now, bound));   // entries applied, but no complete poll recorded yet

        list.RecordPoll(Now);
        Assert.True(list.IsCurrent(Now.AddSeconds(5), bound));
        Assert.False(list.IsCurrent(Now.AddSeconds(5.1), bound));
        Assert.Equal(Now, list.LastPolledAt);
    }
}
