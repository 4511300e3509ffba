namespace SaasPlatform.Messaging;

/// <summary>The platform's Kafka topics (decision D12), declared once.</summary>
public static class Topics
{
    public const string TenantCreated = "tenant.created";
    public const string TenantDeleted = "tenant.deleted";
    public const string DocumentUploaded = "document.uploaded";
    public const string DocumentDeleted = "document.deleted";
    public const string FileProcess = "file.process";
    public const string AuditLog = "audit.log";
    public const string EmailRequested = "email.requested";
    public const string TenantExportRequested = "tenant.export_requested";

    public const string DeadLetterSuffix = ".dlt";

    public static readonly IReadOnlyList<string> All =
        [TenantCreated, TenantDeleted, DocumentUploaded, DocumentDeleted, FileProcess, AuditLog, EmailRequested, TenantExportRequested];

    /// <summary>Every topic and its dead-letter topic: what a real broker gets created at start-up.</summary>
    public static readonly IReadOnlyList<string> AllWithDeadLetters = [.. All, .. All.Select(DeadLetter)];

    /// <summary>Where a message goes that could not be handled after its retries: <c>&lt;topic&gt;.dlt</c>.</summary>
    public static string DeadLetter(string topic) => topic + DeadLetterSuffix;
}
