using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Audit;

internal static class GetSecurityLog
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <remarks>
    /// <c>GET /internal/security-log?limit=&amp;cursor=&amp;user_id=&amp;action=</c>: the operators' security log
    /// (<see cref="SecurityLog"/>), newest first, for holders of the internal key only (never routed by the gateway).
    /// Keyset paging: <c>next_cursor</c> of one page is the <c>cursor</c> of the next, so deep pages cost what the first
    /// does and nothing can overflow.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<SecurityLogPage>>, ApiError>> HandleAsync(
        string? limit, string? cursor, [FromQuery(Name = "user_id")] string? userId, string? action,
        EventsDbContext db, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
        {
            validation.Add("limit", $"Limit must be between 1 and {MaxLimit}");
        }

        Cursor? after = null;
        if (cursor is not null && !Cursor.TryParse(cursor, out after))
        {
            validation.Add("cursor", "Not a cursor returned by this endpoint");
        }

        var user = Guid.Empty;
        if (userId is not null && !Guid.TryParse(userId, out user))
        {
            validation.Add("user_id", "Not a valid UUID.");
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        // The filter as literal SQL, the same text as the partial index's, so the planner can use that index.
        var query = db.AuditRecords.FromSqlRaw("SELECT * FROM audit_records WHERE " + SecurityLog.Filter).AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(a => a.UserId == user);
        }

        if (action is { Length: > 0 })
        {
            query = query.Where(a => a.Action == action);
        }

        if (after is { } c)
        {
            query = query.Where(a => a.OccurredAt < c.OccurredAt || (a.OccurredAt == c.OccurredAt && a.Id.CompareTo(c.Id) < 0));
        }

        var records = await query
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Take(take + 1)
            .ToListAsync(cancellationToken);

        var page = records.Take(take).Select(GetTenantAudit.AuditEntry.From).ToList();
        var next = records.Count > take ? new Cursor(page[^1].Timestamp, page[^1].Id).ToString() : null;
        return ApiResults.Ok("Security log retrieved successfully", new SecurityLogPage(page, next));
    }

    internal sealed record SecurityLogPage(IReadOnlyList<GetTenantAudit.AuditEntry> SecurityEvents, string? NextCursor);

    /// <summary>The position after the last event of a page: its time (in ticks, exact) and id.</summary>
    internal sealed record Cursor(DateTimeOffset OccurredAt, Guid Id)
    {
        public override string ToString() =>
            $"{OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{Id:N}";

        public static bool TryParse(string text, out Cursor? cursor)
        {
            cursor = null;
            var parts = text.Split('_');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !Guid.TryParseExact(parts[1], "N", out var id))
            {
                return false;
            }

            cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
            return true;
        }
    }
}
