namespace SaasPlatform.TenantData;
