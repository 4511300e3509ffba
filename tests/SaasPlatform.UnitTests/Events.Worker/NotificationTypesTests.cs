using System.Text.Json;
using Events.Worker.Features.Notifications;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Audit;

namespace SaasPlatform.UnitTests.Events.Worker;

public sealed class NotificationTypesTests
{
    private static readonly Guid Tenant = Guid.Parse("6f2c1c8e-0a4b-4d61-9a57-3b0e1f7c2d11");
    private static readonly Guid Actor = Guid.Parse("0b3e5a77-5d2c-4c8e-8f41-9a6d2e1b7c33");

    private static PlatformEvent Audit(string action, Guid? tenantId, string? resourceType = "document", string? resourceId = "r1", object? details = null) =>
        PlatformEvent.Create(Topics.AuditLog, tenantId, Actor, new AuditData(action, resourceType, resourceId,
            details is null ? null : JsonSerializer.SerializeToElement(details, Microsoft.Extensions.Hosting.Extensions.WireJson)));

    [Theory]
    [InlineData(AuditActions.DocumentUploaded)]
    [InlineData(AuditActions.DocumentUpdated)]
    [InlineData(AuditActions.DocumentDeleted)]
    [InlineData(AuditActions.MemberAdded)]
    [InlineData(AuditActions.MemberRemoved)]
    [InlineData(AuditActions.TenantDeleted)]
    [InlineData(AuditActions.TenantExportCompleted)]
    public void Allow_listed_tenant_actions_become_notifications(string action)
    {
        var auditEvent = Audit(action, Tenant, details: new { filename = "a.txt" });

        var notification = NotificationTypes.FromAuditEvent(auditEvent);

        Assert.NotNull(notification);
        Assert.Equal(action, notification.Type);
        Assert.Equal(Tenant, notification.TenantId);
        Assert.Equal("document", notification.ResourceType);
        Assert.Equal("r1", notification.ResourceId);
        Assert.Equal(Actor, notification.UserId);
        Assert.Equal(auditEvent.Timestamp, notification.Timestamp);
        Assert.Equal("a.txt", notification.Data!.Value.GetProperty("filename").GetString());
    }

    [Theory]
    [InlineData(AuditActions.UserLogin)]
    [InlineData(AuditActions.UserLoginFailed)]
    [InlineData(AuditActions.DocumentDownloaded)]
    [InlineData(AuditActions.DownloadUrlIssued)]
    [InlineData(AuditActions.FileDeleted)]
    [InlineData(AuditActions.TenantUpdated)]
    [InlineData("something.new")]
    public void Other_actions_are_not_sent(string action) =>
        Assert.Null(NotificationTypes.FromAuditEvent(Audit(action, Tenant)));

    [Fact]
    public void Events_without_a_tenant_or_of_another_topic_are_not_sent()
    {
        Assert.Null(NotificationTypes.FromAuditEvent(Audit(AuditActions.DocumentUploaded, tenantId: null)));
        var otherTopic = PlatformEvent.Create(Topics.DocumentUploaded, Tenant, Actor, new AuditData(AuditActions.DocumentUploaded, "document", "r1", null));
        Assert.Null(NotificationTypes.FromAuditEvent(otherTopic));
    }

    [Fact]
    public void The_wire_shape_is_snake_case_with_an_iso_timestamp()
    {
        var notification = NotificationTypes.FromAuditEvent(Audit(AuditActions.MemberAdded, Tenant, "user", Actor.ToString(), new { role = "viewer" }))!;

        var json = JsonSerializer.SerializeToElement(notification, Microsoft.Extensions.Hosting.Extensions.WireJson);

        Assert.Equal(
            new[] { "type", "tenant_id", "resource_type", "resource_id", "user_id", "timestamp", "data" },
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("member.added", json.GetProperty("type").GetString());
        Assert.Equal(Tenant.ToString(), json.GetProperty("tenant_id").GetString());
        Assert.EndsWith("+00:00", json.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("viewer", json.GetProperty("data").GetProperty("role").GetString());
    }

    [Fact]
    public void A_removed_member_and_a_deleted_tenant_change_the_group()
    {
        var member = Guid.NewGuid();
        var removed = NotificationTypes.FromAuditEvent(Audit(AuditActions.MemberRemoved, Tenant, "user", member.ToString()))!;
        var deleted = NotificationTypes.FromAuditEvent(Audit(AuditActions.TenantDeleted, Tenant, "tenant", Tenant.ToString()))!;
        var added = NotificationTypes.FromAuditEvent(Audit(AuditActions.MemberAdded, Tenant, "user", member.ToString()))!;
        var malformed = NotificationTypes.FromAuditEvent(Audit(AuditActions.MemberRemoved, Tenant, "user", "not-a-uuid"))!;

        Assert.Equal(new MembershipChange(member), NotificationTypes.MembershipChangeOf(removed));
        Assert.True(NotificationTypes.MembershipChangeOf(deleted).All);
        Assert.False(NotificationTypes.MembershipChangeOf(added).Any);
        Assert.False(NotificationTypes.MembershipChangeOf(malformed).Any);
    }

    [Fact]
    public void Each_tenant_has_its_own_group()
    {
        var other = Guid.NewGuid();

        Assert.Equal($"tenant:{Tenant}", NotificationGroups.ForTenant(Tenant));
        Assert.NotEqual(NotificationGroups.ForTenant(Tenant), NotificationGroups.ForTenant(other));
        Assert.Equal(NotificationGroups.ForTenant(Tenant), NotificationGroups.ForTenant(Guid.Parse(Tenant.ToString().ToUpperInvariant())));
    }

    [Fact]
    public void Only_an_exports_completion_is_for_its_requester_alone()
    {
        Assert.Equal(new[] { AuditActions.TenantExportCompleted }, NotificationTypes.ActorOnly);
        Assert.Subset(new HashSet<string>(NotificationTypes.Forwarded), new HashSet<string>(NotificationTypes.ActorOnly));
    }
}
