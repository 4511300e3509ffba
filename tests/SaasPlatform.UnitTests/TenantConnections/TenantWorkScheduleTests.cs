using Microsoft.Extensions.Time.Testing;
using SaasPlatform.TenantConnections;

namespace SaasPlatform.UnitTests.TenantConnections;

/// <summary>The schedule background jobs visit tenant databases by: only databases with recorded work, when due.</summary>
public sealed class TenantWorkScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Only_due_databases_are_taken_earliest_first_and_each_once()
    {
        var schedule = new TenantWorkSchedule(_time);
        schedule.Request("tenant_b_00000002", _time.GetUtcNow().AddSeconds(2));
        schedule.Request("tenant_a_00000001", _time.GetUtcNow().AddSeconds(1));
        schedule.Request("tenant_c_00000003", _time.GetUtcNow().AddMinutes(5));

        Assert.Empty(schedule.TakeDue());
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(["tenant_a_00000001", "tenant_b_00000002"], schedule.TakeDue());
        Assert.Empty(schedule.TakeDue());
        Assert.Equal(1, schedule.Count);
    }

    [Fact]
    public void A_database_asked_for_twice_keeps_the_earlier_time()
    {
        var schedule = new TenantWorkSchedule(_time);
        schedule.Request("tenant_a_00000001", _time.GetUtcNow().AddMinutes(10));
        schedule.Request("tenant_a_00000001", _time.GetUtcNow().AddSeconds(1));
        schedule.Request("tenant_a_00000001", _time.GetUtcNow().AddHours(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["tenant_a_00000001"], schedule.TakeDue());
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public async Task Waiting_ends_when_a_visit_falls_due_or_a_request_arrives()
    {
        var schedule = new TenantWorkSchedule(_time);
        var idle = schedule.WaitAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(idle.IsCompleted); // nothing recorded: no wake-ups at all

        schedule.Request("tenant_a_00000001", _time.GetUtcNow().AddSeconds(30));
        await idle.WaitAsync(TimeSpan.FromSeconds(5));

        var timed = schedule.WaitAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(timed.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));
        await timed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["tenant_a_00000001"], schedule.TakeDue());
    }

    [Fact]
    public async Task Waiting_stops_on_cancellation()
    {
        var schedule = new TenantWorkSchedule(_time);
        using var stop = new CancellationTokenSource();
        var waiting = schedule.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
