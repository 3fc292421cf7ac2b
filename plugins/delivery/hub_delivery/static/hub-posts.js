// <hub-posts>: the hub's latest posts on any page, with one <script> tag and no dependencies.
//
//   <script src="https://hub.example.org/embed/hub-posts.js" defer></script>
//   <hub-posts theme="feminist-peace" limit="5"></hub-posts>
//
// Attributes: theme, section, author (slugs), lang (a language tag: each post in that language,
// else along its fallback chain, fr-CH then fr then the hub's own language; the list is marked
// up in it, dates formatted for it and the widget's own messages written in it: see MESSAGES),
// limit (1 to 20, 5 by default), label (what screen
// readers announce).
// The posts render in a shadow root: the page's styles do not reach them and theirs do not
// reach the page; restyle them with the --hub-posts-* custom properties listed in STYLES.
// The request is a persisted query over GET (the operation ships with the hub, so it runs
// where only registered operations may), cacheable by browsers and CDNs alike.
(() => {
  "use strict";

  // Filled in by the hub when it serves this file: the operation's hash, the post URL pattern.
  const CONFIG = { /* hub-posts config */ };

  const ELEMENT = "hub-posts";
  // document.currentScript exists only while this file first runs: the hub is where it came from.
  const script = document.currentScript;
  if (script === null || customElements.get(ELEMENT) !== undefined) {
    return;
  }
  const endpoint = new URL(CONFIG.endpoint, script.src);

  const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
  const DEFAULT_LIMIT = 5;

  // Every colour and size comes from a custom property with a default: custom properties are the
  // only styles that cross the shadow boundary, so they are how a partner themes the widget.
  // The region sets its own colour and font instead of inheriting the host's, so a page's
  // `body { color: ... }` does not leak in either.
  const STYLES = `
    :host { display: block; }
    :host([hidden]) { display: none; }
    .region {
      display: block;
      color: var(--hub-posts-color, #1a1a1a);
      background: var(--hub-posts-background, transparent);
      font-family: var(--hub-posts-font, system-ui, sans-serif);
      font-size: var(--hub-posts-font-size, 1rem);
      font-weight: normal;
      line-height: 1.5;
      text-align: start;
    }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--hub-posts-gap, 1rem); }
    li, article { display: block; margin: 0; padding: 0; }
    .title { margin: 0; font-size: 1.1em; font-weight: 600; }
    a { color: var(--hub-posts-link, #0b5cad); text-decoration: underline; text-underline-offset: 0.15em; }
    a:focus-visible { outline: 3px solid var(--hub-posts-focus, #0b5cad); outline-offset: 2px; }
    time { display: block; color: var(--hub-posts-muted, #595959); font-size: 0.875em; }
    .excerpt { margin: 0.25em 0 0; }
    .message { margin: 0; }
    img { display: block; max-width: 100%; height: auto; margin: 0 0 0.5em; border-radius: var(--hub-posts-radius, 0); }
    [role="alert"] { color: var(--hub-posts-error, #a40000); }
  `;

  // The widget's own words, in the languages the hub's content ships in. A lang takes the first
  // of its chain that is here (fr-CH, then fr), else English; a malformed lang gets English.
  // What the hub answers (an error's reason) is shown as it came.
  const MESSAGES = {
    en: {
      label: "Latest posts",
      loading: "Loading posts…",
      empty: "No posts yet.",
      failed: (reason) => `The posts could not be loaded: ${reason}`,
      notSlug: (name, value) =>
        `${name}="${value}" is not a slug: use lowercase letters, digits and single hyphens.`,
      notLanguage: (value) => `lang="${value}" is not a language tag such as en or pt-BR.`,
      badLimit: (value, most) => `limit="${value}" must be a whole number from 1 to ${most}.`,
    },
    fr: {
      label: "Derniers articles",
      loading: "Chargement des articles…",
      empty: "Aucun article pour l’instant.",
      failed: (reason) => `Les articles n’ont pas pu être chargés : ${reason}`,
      notSlug: (name, value) =>
        `${name}="${value}" n’est pas un slug : lettres minuscules, chiffres et tirets simples.`,
      badLimit: (value, most) => `limit="${value}" doit être un nombre entier de 1 à ${most}.`,
    },
    es: {
      label: "Últimas publicaciones",
      loading: "Cargando publicaciones…",
      empty: "Todavía no hay publicaciones.",
      failed: (reason) => `No se pudieron cargar las publicaciones: ${reason}`,
      notSlug: (name, value) =>
        `${name}="${value}" no es un slug: letras minúsculas, cifras y guiones simples.`,
      badLimit: (value, most) => `limit="${value}" debe ser un número entero de 1 a ${most}.`,
    },
    de: {
      label: "Neueste Beiträge",
      loading: "Beiträge werden geladen…",
      empty: "Noch keine Beiträge.",
      failed: (reason) => `Die Beiträge konnten nicht geladen werden: ${reason}`,
      notSlug: (name, value) =>
        `${name}="${value}" ist kein Slug: Kleinbuchstaben, Ziffern und einfache Bindestriche.`,
      badLimit: (value, most) => `limit="${value}" muss eine ganze Zahl von 1 bis ${most} sein.`,
    },
  };
  const BASE_LANGUAGE = "en";

  // { language, text }: the catalogue for the element's lang, each missing message in English.
  function messagesFor(element) {
    const tag = element.getAttribute("lang") || "";
    const parts = LANGUAGE.test(tag) ? tag.toLowerCase().split("-") : [];
    for (let end = parts.length; end > 0; end--) {
      const language = parts.slice(0, end).join("-");
      if (Object.hasOwn(MESSAGES, language)) {
        return { language, text: { ...MESSAGES[BASE_LANGUAGE], ...MESSAGES[language] } };
      }
    }
    return { language: BASE_LANGUAGE, text: MESSAGES[BASE_LANGUAGE] };
  }

  // One constructed stylesheet for every <hub-posts> on the page. Adopted stylesheets are not
  // <style> elements, so they work under a page's Content-Security-Policy without 'unsafe-inline'.
  let sheet = null;
  function stylesheet() {
    if (sheet === null) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
    }
    return sheet;
  }

  class AttributeError extends Error {}

  function variables(element, text) {
    const filter = {};
    const values = { filter };
    for (const name of ["theme", "section", "author"]) {
      const value = element.getAttribute(name);
      if (value === null || value === "") continue;
      if (!SLUG.test(value)) {
        throw new AttributeError(text.notSlug(name, value));
      }
      filter[name] = value;
    }
    const language = element.getAttribute("lang");
    if (language !== null && language !== "") {
      if (!LANGUAGE.test(language)) {
        throw new AttributeError(text.notLanguage(language));
      }
      // The list's language (with fallbacks), not filter.language: that one is an exact
      // match, which would hide every post not yet translated.
      values.language = language;
    }
    const limit = element.getAttribute("limit");
    let first = DEFAULT_LIMIT;
    if (limit !== null && limit !== "") {
      first = /^\d+$/.test(limit) ? Number(limit) : NaN;
      if (!(first >= 1 && first <= CONFIG.maxLimit)) {
        throw new AttributeError(text.badLimit(limit, CONFIG.maxLimit));
      }
    }
    values.first = first;
    return values;
  }

  async function fetchPosts(values, signal) {
    const url = new URL(endpoint);
    url.search = new URLSearchParams({
      operationName: CONFIG.operationName,
      variables: JSON.stringify(values),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: CONFIG.queryHash } }),
    }).toString();
    // No credentials: the answer is public, and the same for every reader, so caches share it.
    const response = await fetch(url, { signal, credentials: "omit", mode: "cors" });
    const answer = await response.json();
    if (Array.isArray(answer.errors) && answer.errors.length > 0) {
      throw new Error(String(answer.errors[0].message));
    }
    if (!response.ok || answer.data == null) {
      throw new Error(`the hub answered ${response.status}`);
    }
    return answer.data.posts.edges.map((edge) => edge.node);
  }

  // Images come from plugins (a media library) through their own small request: the posts
  // show at once, and a hub without images costs one empty answer.
  async function fetchImages(posts, signal) {
    const url = new URL(CONFIG.images, script.src);
    url.search = new URLSearchParams({ posts: posts.map((post) => post.slug).join(",") }).toString();
    const response = await fetch(url, { signal, credentials: "omit", mode: "cors" });
    return response.ok ? response.json() : {};
  }

  function image(found) {
    const img = document.createElement("img");
    img.src = String(found.url);
    img.alt = String(found.alt || "");
    img.width = Number(found.width);
    img.height = Number(found.height);
    img.loading = "lazy";
    img.decoding = "async";
    return img;
  }

  function formatter(language) {
    try {
      return new Intl.DateTimeFormat(language || undefined, { dateStyle: "medium" });
    } catch {
      return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
    }
  }

  function node(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    // Server strings only ever go in through textContent, never innerHTML: a title or excerpt
    // holding markup is shown as text and can never run or restyle anything.
    if (text !== undefined) element.textContent = text;
    return element;
  }

  let counter = 0;

  // Tags compare case-insensitively (fr-CH is fr-ch), and an underscore reads as a hyphen.
  function sameLanguage(one, other) {
    const read = (tag) => String(tag).toLowerCase().replace(/_/g, "-");
    return read(one) === read(other);
  }

  function item(post, dates, language) {
    const article = node("article");
    // A fallback item (English in a French list) says so: screen readers switch voice for it.
    if (language && post.language && !sameLanguage(post.language, language)) {
      article.lang = post.language;
    }
    const title = node("p", "title");
    title.id = `hub-post-${++counter}`;
    article.setAttribute("aria-labelledby", title.id);
    if (CONFIG.postUrl) {
      const link = node("a", "", post.title);
      link.href = CONFIG.postUrl.replace("{slug}", encodeURIComponent(post.slug));
      title.append(link);
    } else {
      title.textContent = post.title;
    }
    article.append(title);
    if (post.publishedAt) {
      const time = node("time", "", dates.format(new Date(post.publishedAt)));
      time.dateTime = post.publishedAt;
      article.append(time);
    }
    if (post.excerpt) article.append(node("p", "excerpt", post.excerpt));
    article.dataset.slug = post.slug;
    const li = node("li");
    li.append(article);
    return li;
  }

  class HubPosts extends HTMLElement {
    static observedAttributes = ["theme", "section", "author", "lang", "limit", "label"];

    #region;
    #controller = null;
    #scheduled = false;

    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [stylesheet()];
      this.#region = node("section", "region");
      root.append(this.#region);
    }

    connectedCallback() {
      this.#schedule();
    }

    disconnectedCallback() {
      this.#controller?.abort();
    }

    attributeChangedCallback() {
      this.#schedule();
    }

    // An upgrade reports every attribute and then the connection: one request for all of them.
    #schedule() {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        if (this.isConnected) this.#load();
      });
    }

    async #load() {
      this.#controller?.abort();
      const controller = new AbortController();
      this.#controller = controller;
      const region = this.#region;
      const messages = messagesFor(this);
      const text = messages.text;
      // The widget's own words say their language: a French message on an English page is
      // read in French.
      const message = (words) => {
        const paragraph = node("p", "message", words);
        paragraph.lang = messages.language;
        return paragraph;
      };
      region.setAttribute("aria-label", this.getAttribute("label") || text.label);
      let values;
      try {
        values = variables(this, text);
      } catch (error) {
        this.#show(message(error.message), "alert");
        return;
      }
      region.setAttribute("aria-busy", "true");
      region.replaceChildren(message(text.loading));
      try {
        const posts = await fetchPosts(values, controller.signal);
        if (controller.signal.aborted) return;
        if (posts.length === 0) {
          this.#show(message(text.empty));
          return;
        }
        const dates = formatter(values.language);
        const list = node("ul");
        // The list is in the language asked for, whatever language the host page is in.
        if (values.language) list.lang = values.language;
        list.append(...posts.map((post) => item(post, dates, values.language)));
        this.#show(list);
        let images = {};
        try {
          images = await fetchImages(posts, controller.signal);
        } catch {
          return; // the posts are shown; their images are a bonus
        }
        if (controller.signal.aborted) return;
        for (const article of list.querySelectorAll("article")) {
          const found = images[article.dataset.slug];
          if (found && /^https?:/.test(String(found.url))) article.prepend(image(found));
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        this.#show(message(text.failed(error.message)), "alert");
      }
    }

    #show(content, role) {
      if (role) content.setAttribute("role", role);
      this.#region.replaceChildren(content);
      this.#region.setAttribute("aria-busy", "false");
    }
  }

  customElements.define(ELEMENT, HubPosts);
})();
