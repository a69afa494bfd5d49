// kubernetes-models and a few of its dependencies ship ES modules only (their package
// exports offer just the `import` condition). Jest resolves with `require`; this resolver
// adds `import` for those packages, and jest.config.js transpiles them to CommonJS.
const ESM_ONLY = ['kubernetes-models', '@kubernetes-models', 'is-cidr', 'cidr-regex', 'ip-regex'];
const inside = (p) => ESM_ONLY.some((name) => p.includes(`/node_modules/${name}/`));
const isEsmRequest = (request) => ESM_ONLY.some((name) => request === name || request.startsWith(`${name}/`));

module.exports = (request, options) => {
  if (isEsmRequest(request) || inside(`${options.basedir}/`)) {
    return options.defaultResolver(request, { ...options, conditions: [...(options.conditions ?? ['require', 'default']), 'import'] });
  }
  return options.defaultResolver(request, options);
};
module.exports.ESM_ONLY = ESM_ONLY;
