using System.Net;

namespace VodFunctions.Client.Tests;

/// <summary>
/// The real network handler, recording the status of each answer from the app; after an answer with
/// status <paramref name="trigger"/> it runs <paramref name="react"/> (a test moving the app's clock on,
/// or ending an injected storage fault), as time passing or storage recovering would.
/// </summary>
public sealed class Wire(Uri app, HttpStatusCode trigger, Action react) : DelegatingHandler(new SocketsHttpHandler())
{
    private bool _react = true;

    public List<HttpStatusCode> Statuses { get; } = [];

    public void Reset(bool react = true)
    {
        Statuses.Clear();
        _react = react;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.RequestUri!.Authority != app.Authority) return response;
        Statuses.Add(response.StatusCode);
        if (response.StatusCode == trigger && _react) react();
        return response;
    }
}
