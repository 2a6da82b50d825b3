// Evaluates visibilityCondition expressions the way DSS's settings form does, with the real
// AngularJS 1.6.10 that DSS 9.0.5 ships (frontend autoconfig-forms.js: `$scope.$eval(condition)`
// on the form element's isolate scope, which holds `model`).
//
// stdin:  {"cases": [{"expression": "...", "models": [{...}, ...]}, ...]}
// stdout: one result per case, in order:
//   {"error": "..."} when the expression does not parse, or
//   {"values": [...], "shown": [...], "errors": [...]} with, per model, the value as JSON text
//   ("undefined" when undefined), whether DSS shows the parameter, and the error the evaluation
//   threw (null when none).
// One process evaluates everything: node and AngularJS start once.
'use strict';

const path = require('path');

// AngularJS expects a browser. It needs very little of one to load and run $parse and $rootScope;
// nothing here draws a page.
const cspMarker = {
  // Read by angular.$$csp(): "no-inline-style" stops AngularJS from inserting its stylesheet into
  // the (absent) document head, and leaves eval allowed, as in DSS's pages.
  getAttribute: (name) => (name === 'ng-csp' ? 'no-inline-style' : null),
};
const document = {
  readyState: 'loading', // AngularJS then waits for a DOMContentLoaded that never comes: no auto-bootstrap
  currentScript: null,
  querySelector: (selector) => (selector === '[ng-csp]' ? cspMarker : null),
  addEventListener() {},
  removeEventListener() {},
  createElement() {
    // AngularJS resolves URLs through an <a> element; node's URL does the same job.
    return {
      setAttribute(name, value) {
        if (name !== 'href') return;
        const url = new URL(value, 'http://localhost/');
        for (const key of ['href', 'protocol', 'host', 'search', 'hash', 'hostname', 'port', 'pathname']) {
          this[key] = url[key];
        }
      },
    };
  },
};
global.window = {
  document,
  Node: function Node() {},
  navigator: { userAgent: 'node' },
  location: { href: 'http://localhost/' },
  history: {},
  addEventListener() {},
  removeEventListener() {},
  setTimeout,
  clearTimeout,
};
require(path.join(__dirname, 'node_modules', 'angular', 'angular.js'));
const angular = global.window.angular;

function describe(value) {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function firstLine(error) {
  return String(error && error.message ? error.message : error).split('\n')[0];
}

function evaluate(cases) {
  const injector = angular.injector(['ng']);
  const $parse = injector.get('$parse');
  const $rootScope = injector.get('$rootScope');
  return cases.map(({ expression, models }) => {
    try {
      $parse(expression);
    } catch (error) {
      return { error: firstLine(error) };
    }
    const values = [];
    const shown = [];
    const errors = [];
    for (const model of models) {
      const scope = $rootScope.$new(true);
      scope.model = JSON.parse(JSON.stringify(model)); // an assignment in the expression stays here
      try {
        const value = scope.$eval(expression);
        values.push(describe(value));
        // templates/widgets/autoconfig/form-element.html:
        // ng-show="... (uiState.$visibility === undefined || uiState.$visibility)"
        shown.push(value === undefined || Boolean(value));
        errors.push(null);
      } catch (error) {
        values.push(null);
        shown.push(null);
        errors.push(firstLine(error));
      }
      scope.$destroy();
    }
    return { values, shown, errors };
  });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const results = evaluate(JSON.parse(input).cases);
  process.stdout.write(JSON.stringify({ angular: angular.version.full, results }));
});
