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

// Scalar's key box shows a placeholder of its own that looks like a real key: a plain one instead.
const keyPlaceholder = '<your key>';
new MutationObserver(() => {
  for (const input of document.querySelectorAll('input.scalar-password-input')) {
    if (input.placeholder !== keyPlaceholder) input.placeholder = keyPlaceholder;
  }
}).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['placeholder'] });
