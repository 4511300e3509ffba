namespace Tenancy.Api.Features.Invitations;

/// <summary>
/// Invitations (docs/decisions/tenant-invitations.md): a tenant admin invites an address with a role; the invitee
/// accepts with the token from the e-mail while signed in with that address.
/// </summary>
public static class InvitationEndpoints
{
    public static IEndpointRouteBuilder MapInvitationEndpoints(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/api/tenants/{tenantId:guid}/invitations").WithTags("Invitations").RequireAuthorization();
        invitations.MapPost("", CreateInvitation.HandleAsync)
            .WithName("CreateInvitation").WithSummary("Invite an address with a role (admin); an accept link is e-mailed");
        invitations.MapGet("", ListInvitations.HandleAsync)
            .WithName("ListInvitations").WithSummary("The tenant's invitations with their status (admin)");
        invitations.MapDelete("/{invitationId:guid}", RevokeInvitation.HandleAsync)
            .WithName("RevokeInvitation").WithSummary("Revoke an invitation (admin): its link stops working");

        app.MapPost("/api/invitations/accept", AcceptInvitation.HandleAsync).WithTags("Invitations").RequireAuthorization()
            .WithName("AcceptInvitation").WithSummary("Join a tenant with the token of an invitation to the caller's address");
        return app;
    }

    public static IHostApplicationBuilder AddInvitations(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<InvitationSettings>(builder.Configuration.GetSection(InvitationSettings.SectionName));
        builder.Services.AddSingleton<InvitationMail>();
        return builder;
    }
}
