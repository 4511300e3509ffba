using System.Text.Json;
using Events.Worker.Features.Notifications;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Audit;

namespace SaasPlatform.UnitTests.Events.Worker;

/// <summary>A ready export reaches the tenant's live feed (issue 18.6), without its download link.</summary>
public sealed class ExportNotificationTests
{
    [Fact]
    public void A_completed_export_becomes_a_live_notification()
    {
        var tenant = Guid.NewGuid();
        var exportId = Guid.NewGuid();
        var auditEvent = PlatformEvent.Create(Topics.AuditLog, tenant, Guid.NewGuid(), new AuditData(AuditActions.TenantExportCompleted,
            "tenant_export", exportId.ToString(),
            JsonSerializer.SerializeToElement(new { export_id = exportId, size_bytes = 1234, documents = 4, files = 3 })));

        var notification = NotificationTypes.FromAuditEvent(auditEvent);

        Assert.NotNull(notification);
        Assert.Equal("tenant.export_completed", notification.Type);
        Assert.Equal(exportId.ToString(), notification.ResourceId);
        Assert.Equal(4, notification.Data!.Value.GetProperty("documents").GetInt32());
    }
}
