// The interactive reference: Scalar's API reference over the app's own OpenAPI document.
// Nothing is loaded from elsewhere: no web fonts, no telemetry, no AI agent, no request proxy.
window.Scalar.createApiReference('#app', {
  url: new URL('../openapi.json', document.baseURI).href,
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  hideClientButton: true,
  proxyUrl: '',
  showDeveloperTools: 'never',
  persistAuth: false,
});
