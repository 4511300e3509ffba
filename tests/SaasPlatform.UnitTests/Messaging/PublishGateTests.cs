using SaasPlatform.Messaging.Outbox;

namespace SaasPlatform.UnitTests.Messaging;

public sealed class PublishGateTests
{
    private const string Database = "tenant_a_00000001";

    [Fact]
    public void A_database_is_held_by_one_publisher_at_a_time()
    {
        var gate = new PublishGate();

        Assert.True(gate.TryEnter(Database, rerunIfBusy: true));
        Assert.False(gate.TryEnter(Database, rerunIfBusy: false));
        Assert.True(gate.TryEnter("tenant_b_00000002", rerunIfBusy: true));

        Assert.False(gate.Exit(Database));
        Assert.True(gate.TryEnter(Database, rerunIfBusy: false));
    }

    [Fact]
    public void A_signal_while_busy_makes_the_holder_go_again_once()
    {
        var gate = new PublishGate();
        Assert.True(gate.TryEnter(Database, rerunIfBusy: true));

        // Two more commits signalled while the first publish runs: one more pass covers both.
        Assert.False(gate.TryEnter(Database, rerunIfBusy: true));
        Assert.False(gate.TryEnter(Database, rerunIfBusy: true));

        Assert.True(gate.RerunOrExit(Database, mayRerun: true));
        Assert.False(gate.RerunOrExit(Database, mayRerun: true));
        Assert.True(gate.TryEnter(Database, rerunIfBusy: true)); // released
    }

    [Fact]
    public void A_failed_publish_releases_even_when_asked_to_go_again()
    {
        var gate = new PublishGate();
        Assert.True(gate.TryEnter(Database, rerunIfBusy: true));
        Assert.False(gate.TryEnter(Database, rerunIfBusy: true));

        Assert.False(gate.RerunOrExit(Database, mayRerun: false));
        Assert.True(gate.TryEnter(Database, rerunIfBusy: true));
    }

    [Fact]
    public void The_sweep_learns_on_exit_that_a_commit_was_signalled_meanwhile()
    {
        var gate = new PublishGate();
        Assert.True(gate.TryEnter(Database, rerunIfBusy: false)); // the sweep
        Assert.False(gate.TryEnter(Database, rerunIfBusy: true)); // a live signal

        Assert.True(gate.Exit(Database)); // the sweep hands it back to the live publishers
        Assert.True(gate.TryEnter(Database, rerunIfBusy: true));
        Assert.False(gate.Exit(Database));
    }
}
