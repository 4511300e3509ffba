using System.Text.Json;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;

namespace SaasPlatform.UnitTests.Messaging;

/// <summary>
/// The typed event contracts write the same JSON the producers wrote as anonymous objects before them (same names,
/// same order), so consumers of either generation read both.
/// </summary>
public sealed class EventContractTests
{
    private static readonly Guid Document = Guid.NewGuid(), File = Guid.NewGuid(), User = Guid.NewGuid();

    [Fact]
    public void Document_uploaded_is_written_as_before()
    {
        var typed = new DocumentUploaded(Document, "a.pdf", "application/pdf", File, 42, "tenants/t/files/x", "sha", "md5", true, "tenant_a_00000001");
        var before = new
        {
            document_id = Document, filename = "a.pdf", mime_type = "application/pdf", file_id = File, file_size = 42L,
            s3_path = "tenants/t/files/x", sha256 = "sha", md5_hash = "md5", was_deduplicated = true, database_name = "tenant_a_00000001",
        };

        AssertSameData(typed, before);
    }

    [Fact]
    public void Document_deleted_is_written_as_before() =>
        AssertSameData(new DocumentDeleted(Document, File, true, "tenant_a_00000001"),
            new { document_id = Document, file_id = File, orphaned = true, database_name = "tenant_a_00000001" });

    [Fact]
    public void Tenant_created_is_written_as_before() =>
        AssertSameData(new TenantCreated("Acme", "tenant_acme_00000001", User),
            new { tenant_name = "Acme", database_name = "tenant_acme_00000001", created_by = User });

    [Fact]
    public void Tenant_deleted_is_written_as_before() =>
        AssertSameData(new TenantDeleted("tenant_acme_00000001", false), new { database_name = "tenant_acme_00000001", hard_delete = false });

    [Fact]
    public void A_consumer_reads_the_contract_back_from_the_wire()
    {
        var sent = PlatformEvent.Create(Topics.DocumentDeleted, Guid.NewGuid(), User, new DocumentDeleted(Document, File, true, null));

        var received = PlatformEvent.Parse(sent.ToUtf8Bytes()).DataAs<DocumentDeleted>();

        Assert.Equal(new DocumentDeleted(Document, File, true, null), received);
    }

    private static void AssertSameData(object typed, object before) =>
        Assert.Equal(
            JsonSerializer.Serialize(PlatformEvent.Create("t", null, null, before).Data),
            JsonSerializer.Serialize(PlatformEvent.Create("t", null, null, typed).Data));
}
