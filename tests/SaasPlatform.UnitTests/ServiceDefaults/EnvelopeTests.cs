using System.Text.Json;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class EnvelopeTests
{
    [Fact]
    public void Errors_are_flat_with_snake_case_codes()
    {
        var error = ApiError.Validation("first_name", "First name must be between 1 and 100 characters");

        var json = JsonSerializer.Serialize(error.Value, Microsoft.Extensions.Hosting.Extensions.WireJson);

        Assert.Equal(
            """{"success":false,"error":"validation_error","message":"Validation failed","details":{"first_name":["First name must be between 1 and 100 characters"]}}""",
            json);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void Success_omits_data_when_there_is_none()
    {
        var json = JsonSerializer.Serialize(new SuccessEnvelope<object> { Message = "Tenant deleted successfully" },
            Microsoft.Extensions.Hosting.Extensions.WireJson);

        Assert.Equal("""{"success":true,"message":"Tenant deleted successfully"}""", json);
    }

    [Fact]
    public void Validation_trims_and_bounds_text()
    {
        var validation = new Validation();

        var name = validation.RequiredText("name", "  Acme  ", 1, 255, "Name");
        validation.RequiredText("first_name", "   ", 1, 100, "First name");
        validation.RequiredText("last_name", null, 1, 100, "Last name");

        Assert.Equal("Acme", name);
        Assert.False(validation.IsValid);
        var details = Assert.IsType<Dictionary<string, List<string>>>(validation.ToError().Value.Details);
        Assert.Equal(["first_name", "last_name"], details.Keys.Order());
    }
}
