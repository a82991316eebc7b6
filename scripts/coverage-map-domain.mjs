// Coverage map for `npm run coverage:domain` (tap --coverage-map): whichever test runs, only the pure
// domain's own source files are measured, through the source maps tsc writes beside dist/.
export default () => 'gateway/domain/**/*.ts';
