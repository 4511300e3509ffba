namespace SaasPlatform.Messaging.Events;

/// <summary>The data of <c>tenant.deleted</c> (<see cref="Topics.TenantDeleted"/>).</summary>
public sealed record TenantDeleted(string DatabaseName, bool HardDelete);
