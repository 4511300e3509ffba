namespace Events.Worker.Features.Tenants;

/// <summary>The fields of <c>tenant.created</c> / <c>tenant.deleted</c> data the worker uses (contract §5).</summary>
internal sealed record TenantEventData(string? DatabaseName, string? TenantName, bool? HardDelete);
