using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Http;
using Identity.Api.Tokens;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();

// Fail at start-up, not at the first login, when the signing key is missing or malformed.
app.Services.GetRequiredService<TokenSigningKeys>();

app.UseForwardedHeaders();
app.UseApiEnvelope();
app.UseAnonymousBodyLimit();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapIdentityEndpoints();

// Off the start-up path: readiness must not wait for a quarter second of bcrypt.
_ = Task.Run(app.Services.GetRequiredService<PasswordHasher>().WarmUp);
await app.RunAsync();
