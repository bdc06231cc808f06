var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/api/health", () => Results.Json(new { Status = "Healthy" }));
app.Run();
