namespace SaasPlatform.Messaging.Events;

/// <summary>The data of <c>tenant.created</c> (<see cref="Topics.TenantCreated"/>).</summary>
public sealed record TenantCreated(string TenantName, string DatabaseName, Guid CreatedBy);
