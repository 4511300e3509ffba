// The S3-compatible dev server (s3rver), with the one fix the platform relies on.
// S3 SDKs send x-amz-copy-source URL-encoded, '/' included (%2F); s3rver 3.7 decodes it with decodeURI, which leaves
// %2F alone, so every CopyObject names a bucket that does not exist and uploads would move their bytes twice more.
// Usage: node server.js --directory DIR --address ADDR --port PORT --configure-bucket NAME
const S3rver = require('s3rver');

const args = process.argv.slice(2);
const option = name => {
  const index = args.indexOf(`--${name}`);
  if (index < 0 || index + 1 >= args.length) throw new Error(`missing --${name}`);
  return args[index + 1];
};

const server = new S3rver({
  directory: option('directory'),
  address: option('address'),
  port: Number(option('port')),
  configureBuckets: [{ name: option('configure-bucket'), configs: [] }],
});

server.middleware.unshift(async (ctx, next) => {
  const source = ctx.headers['x-amz-copy-source'];
  if (source) {
    // Decoded in full, then encoded the way s3rver's decodeURI reverses exactly.
    ctx.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
  }
  await next();
});

server.run().then(({ address, port }) => console.log('S3rver listening on %s:%d', address, port))
  .catch(err => {
    console.error(err);
    process.exit(1);
  });
