namespace Events.Worker.Features.Audit;

/// <summary>
/// What the operators' security log holds (docs/decisions/security-log.md): every audit record without a tenant
/// (registrations, logins, failed logins, logouts, refresh-token reuse) and the tenant events that change who holds
/// power or whether a tenant exists (members added or removed with their role, tenant deletion), which a tenant's own
/// log cannot show once the tenant is gone. The same filter is the partial index <see cref="IndexName"/>.
/// </summary>
internal static class SecurityLog
{
    public const string IndexName = "ix_audit_records_security";

    /// <summary>
    /// The security log's predicate in SQL: the partial index's filter and the query's, one text, so PostgreSQL can
    /// use the index. The actions are <c>AuditActions.MemberAdded</c>, <c>MemberRemoved</c> and <c>TenantDeleted</c>.
    /// </summary>
    public const string Filter = "tenant_id IS NULL OR action IN ('member.added', 'member.removed', 'tenant.deleted')";
}
