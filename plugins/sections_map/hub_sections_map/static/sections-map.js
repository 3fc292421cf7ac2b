// The sections map page: country outlines as a GeoJSON layer (no tiles), clustered section
// markers whose popups link to each section. Text goes in with textContent, never as HTML.
(function () {
  "use strict";

  var MARKER_SIZE = 18;
  var element = document.getElementById("map");
  var map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 10 });
  map.setView([20, 10], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");

  function getJSON(url) {
    return fetch(url, { credentials: "omit" }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + " answered " + response.status);
      }
      return response.json();
    });
  }

  function link(text, url) {
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = text;
    anchor.target = "_top";
    return anchor;
  }

  function paragraph(content) {
    var p = document.createElement("p");
    if (typeof content === "string") {
      p.textContent = content;
    } else {
      p.appendChild(content);
    }
    return p;
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.className = "section-popup";
    var heading = document.createElement("h2");
    heading.appendChild(
      properties.url ? link(properties.name, properties.url) : document.createTextNode(properties.name)
    );
    box.appendChild(heading);
    var place = [properties.city, properties.region].filter(Boolean).join(" · ");
    if (place) {
      box.appendChild(paragraph(place));
    }
    var latest = properties.latestPost;
    if (latest) {
      box.appendChild(paragraph(latest.url ? link(latest.title, latest.url) : latest.title));
    }
    return box;
  }

  function sectionMarker(feature, latlng) {
    var name = feature.properties.name;
    var marker = L.marker(latlng, {
      title: name,
      alt: name,
      keyboard: true,
      riseOnHover: true,
      icon: L.divIcon({ className: "section-marker", iconSize: [MARKER_SIZE, MARKER_SIZE] }),
    });
    marker.bindPopup(popup(feature.properties));
    return marker;
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var label = document.createElement("span");
    label.textContent = String(count);
    label.setAttribute("aria-label", count + " sections");
    return L.divIcon({ html: label, className: "section-cluster", iconSize: [36, 36] });
  }

  getJSON(element.dataset.countries).then(function (world) {
    L.geoJSON(world, {
      interactive: false,
      style: { color: "#9aa8b5", weight: 0.8, fillColor: "#f5f3ee", fillOpacity: 1 },
    }).addTo(map).bringToBack();
  });

  getJSON(element.dataset.sections).then(function (collection) {
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: clusterIcon,
    });
    L.geoJSON(collection, { pointToLayer: sectionMarker }).eachLayer(function (layer) {
      clusters.addLayer(layer);
    });
    map.addLayer(clusters);
    if (collection.bbox) {
      var box = collection.bbox;
      map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [40, 40], maxZoom: 4 });
    }
    element.dataset.loaded = String(collection.features.length);
  });
})();
