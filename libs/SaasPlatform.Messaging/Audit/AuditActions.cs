namespace SaasPlatform.Messaging.Audit;

/// <summary>The audit actions the platform records (the <c>action</c> of an <c>audit.log</c> event).</summary>
public static class AuditActions
{
    public const string UserRegistered = "user.registered";
    public const string UserLogin = "user.login";
    public const string UserLogout = "user.logout";
    public const string UserLoginFailed = "user.login_failed";
    public const string PasswordResetRequested = "user.password_reset_requested";
    public const string PasswordReset = "user.password_reset";
    public const string EmailVerified = "user.email_verified";
    public const string EmailChangeRequested = "user.email_change_requested";
    public const string EmailChanged = "user.email_changed";
    /// <summary>A used refresh token was presented again: its session has been revoked.</summary>
    public const string RefreshTokenReused = "user.refresh_token_reused";
    public const string TenantCreated = "tenant.created";
    public const string TenantUpdated = "tenant.updated";
    public const string TenantDeleted = "tenant.deleted";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    /// <summary>Invitations (docs/decisions/tenant-invitations.md); an accepted one also records <see cref="MemberAdded"/>.</summary>
    public const string InvitationCreated = "invitation.created";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationAccepted = "invitation.accepted";
    public const string DocumentUploaded = "document.uploaded";
    public const string DocumentUpdated = "document.updated";
    public const string DocumentDeleted = "document.deleted";
    public const string DocumentDownloaded = "document.downloaded";
    public const string DownloadUrlIssued = "document.download_url_issued";
    public const string FileDeleted = "file.deleted";
    public const string TenantExportRequested = "tenant.export_requested";
    /// <summary>An export's archive is ready (the live notification and the e-mail point at it).</summary>
    public const string TenantExportCompleted = "tenant.export_completed";
    /// <summary>A tenant was created from an archive (recorded in the new tenant).</summary>
    public const string TenantImported = "tenant.imported";
}
