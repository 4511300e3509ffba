namespace SaasPlatform.Messaging.Events;

/// <summary>
/// The data of <c>tenant.export_requested</c> (<see cref="Topics.TenantExportRequested"/>): Events.Worker writes the
/// archive of export <paramref name="ExportId"/> (its row in <c>tenant_exports</c> says which tenant and who asked).
/// </summary>
public sealed record TenantExportRequested(Guid ExportId);
