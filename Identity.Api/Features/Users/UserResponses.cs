namespace Identity.Api.Features.Users;

internal static class UserResponses
{
    public static UserResponse ToResponse(this User user) =>
        new(user.Id, user.FirstName, user.LastName, user.Email, user.IsActive, user.CreatedAt, user.UpdatedAt)
        {
            EmailVerified = user.EmailVerifiedAt != null,
        };
}
