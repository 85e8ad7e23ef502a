const http = require('http');
http.createServer((req, res) => { res.end('{}'); }).listen(process.env.PORT || 3000);
