using SaasPlatform.TenancyClient;

namespace SaasPlatform.UnitTests.TenancyClient;

public sealed class TenantRoleTests
{
    [Theory]
    [InlineData(TenantRole.Admin, TenantRole.Admin, true)]
    [InlineData(TenantRole.Admin, TenantRole.Viewer, true)]
    [InlineData(TenantRole.User, TenantRole.User, true)]
    [InlineData(TenantRole.User, TenantRole.Admin, false)]
    [InlineData(TenantRole.Viewer, TenantRole.Viewer, true)]
    [InlineData(TenantRole.Viewer, TenantRole.User, false)]
    public void Roles_are_ordered_viewer_user_admin(TenantRole role, TenantRole minimum, bool allowed) =>
        Assert.Equal(allowed, role.Includes(minimum));

    [Theory]
    [InlineData("admin", TenantRole.Admin)]
    [InlineData("user", TenantRole.User)]
    [InlineData("viewer", TenantRole.Viewer)]
    public void Wire_names_round_trip(string wire, TenantRole role)
    {
        Assert.True(TenantRoles.TryParse(wire, out var parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(wire, role.ToWire());
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("owner")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_not_a_role(string? wire) => Assert.False(TenantRoles.TryParse(wire, out _));
}
