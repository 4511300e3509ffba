global using Documents.Api.Uploads;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.EntityFrameworkCore;
global using SaasPlatform.Messaging.Audit;
global using SaasPlatform.Messaging.Outbox;
global using SaasPlatform.ServiceDefaults.Http;
global using SaasPlatform.Storage;
global using SaasPlatform.TenantSchema;
