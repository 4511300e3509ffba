namespace SaasPlatform.Messaging.Audit;

/// <summary>The <c>data</c> of an <c>audit.log</c> event.</summary>
public sealed record AuditData(string Action, string? ResourceType, string? ResourceId, JsonElement? Details);
