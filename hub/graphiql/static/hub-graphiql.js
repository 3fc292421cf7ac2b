// Starts GraphiQL on the hub's /graphql page. A file of its own, not an inline script, so the
// page's Content-Security-Policy can forbid inline scripts altogether.
(function () {
  "use strict";

  const WELCOME = `# GraphiQL, served by the hub itself.
#
# Write a query here and run it with Ctrl-Enter (or the play button); Ctrl-Space completes.
# The Headers tab below sends a token: {"Authorization": "Bearer <token>"}.
# The Docs and Explorer buttons on the left browse the schema.

{
  posts(first: 5) {
    totalCount
    edges { node { title publishedAt authors { name } } }
  }
}
`;

  // The query, variables and headers can be shared in the page's address (q, variables,
  // headers): not `query`, which would make the address a GraphQL GET request.
  const parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    const search = parameters.toString();
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const endpoint = new URL(window.location.pathname, window.location.href);
  const subscriptions = new URL(endpoint);
  subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  // Queries and mutations over HTTP POST; subscriptions over WebSocket (graphql-transport-ws).
  const fetcher = GraphiQL.createFetcher({
    url: endpoint.toString(),
    subscriptionUrl: subscriptions.toString(),
  });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function HubGraphiQL() {
    const [query, setQuery] = React.useState(parameters.get("q") || WELCOME);
    const [variables, setVariables] = React.useState(parameters.get("variables") || undefined);
    const [headers, setHeaders] = React.useState(parameters.get("headers") || undefined);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: query,
      variables: variables,
      headers: headers,
      onEditQuery: function (value) {
        setQuery(value);
        remember("q", value);
      },
      onEditVariables: function (value) {
        setVariables(value);
        remember("variables", value);
      },
      onEditHeaders: setHeaders,
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      // Tokens stay out of the browser's storage unless the user switches that on in Settings.
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(HubGraphiQL)
  );
})();
