var T,ot,ls,G,Ie,be,rt,ge,it,Te,Ne,cs,oe=Symbol.for("pv"),ye={},ke=[],ds=/^m(i|n|o|s|text|space)$/,Ae=Array.isArray,Le=ke.slice,Z=Object.assign;function X(e){e&&e.parentNode&&e.remove()}function lt(e,t,s){var n,r,i,o={},l=arguments.length;for(i in t)i=="key"?n=t[i]:i=="ref"&&typeof e!="function"?r=t[i]:o[i]=t[i];return l>2&&(o.children=l>3?Le.call(arguments,2):s),ne(e,o,n,r,null)}function ne(e,t,s,n,r){var i={type:e,props:t,key:s,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:oe,__v:r||++ot,__i:-1,__u:0};return!r&&T.vnode&&T.vnode(i),i}function xe(e){return e.children}function ve(e,t){this.props=e,this.context=t,this.__g=0}function K(e,t){if(t==null)return e.__&&K(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:K(e)}function ps(e){var t,s=e.__v,n=s.__e,r=[],i=[],o=e.__P;o&&((t=Z({constructor:oe},s)).__v=s.__v+1,T.vnode&&T.vnode(t),Pe(o,t,s,e.__n,o.namespaceURI,32&s.__u?[n]:null,r,n||K(s),32&s.__u,i),t.__v=s.__v,t.__.__k[t.__i]=t,ft(r,t,i),s.__=s.__e=null,t.__e!=n&&ct(t))}function ct(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),ct(e)}function at(e){(8&e.__g||(e.__g|=8,G.push(e),be++))&&Ie==T.debounceRendering||((Ie=T.debounceRendering)||queueMicrotask)(dt)}function dt(){try{for(var e,t=1;G.length;)G.length>t&&G.sort(rt),e=G.shift(),t=G.length,8&e.__g&&ps(e)}finally{(be=G.length)&&(Ie||queueMicrotask)(dt)}}function pt(e,t,s,n,r,i,o,l,u,h,c){var m,p,d,g,_,f,b=n.__k||ke,y=t.length;for(u=us(s,t,b,u,y),m=0;m<y;m++)(d=s.__k[m])!=null&&(p=~d.__i&&b[d.__i]||ye,d.__i=m,f=Pe(e,d,p,r,i,o,l,u,h,c),g=d.__e,(p.ref!=d.ref||8&p.__u)&&(p.ref&&De(p.ref,null,d,p),d.ref&&c.push(d.ref,d.__c||g,d)),_=_||g,4&d.__u?(u=ut(d,u,e,!p.__v),p.__e&&(p.__e=null)):typeof d.type=="function"&&f!==void 0?u=f:g&&(u=g.nextSibling),d.__u&=-21);return s.__e=_,u}function us(e,t,s,n,r){var i,o,l,u,h,c,m,p,d,g=s.length,_=g,f=0,b=0,y=e.__k=Array(r);for(i=0;i<r;i++)(o=t[i])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=y[i]=ne(null,o):Ae(o)?o=y[i]=ne(xe,{children:o}):o.constructor===oe&&o.__b?o=y[i]=ne(o.type,o.props,o.key,o.ref,o.__v):y[i]=o,u=i+f,o.__=e,o.__b=e.__b+1,l=null,~(h=o.__i=ms(o,s,u,_))&&(_--,(l=s[h])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,h==u-1?f--:h==u+1?f++:h!=u&&(h>u?f--:f++,b=1)):(~h||(r>g?f--:r<g&&f++),typeof o.type!="function"&&(o.__u|=4))):y[i]=null;if(b){for(c=[],m=[],i=0;i<r;i++)if((o=y[i])&&16&o.__u){for(f=0,p=c.length;f<p;)c[d=f+p>>1]<o.__i?f=d+1:p=d;c[f]=o.__i,m[i]=f+1}for(f=c.length;i--;)m[i]&&(m[i]==f?f--:y[i].__u|=4)}if(_)for(i=0;i<g;i++)!(l=s[i])||2&l.__u||(l.__e==n&&(n=K(l)),Re(l,l));return n}function ut(e,t,s,n){var r,i,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(i=0;i<r.length;i++)r[i]&&(r[i].__=e,t=ut(r[i],t,s,!1));return t}for(t&&!t.parentNode&&(t=K(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!n&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ms(e,t,s,n){var r,i=e.key,o=e.type,l=t[s],u=l&&!(2&l.__u);if(l===null&&i==null||u&&i==l.key&&o==l.type)return s;if(n>(u?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r}return-1}function nt(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function $e(e,t,s,n,r){var i,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof n=="string"&&(e.style.cssText=n=""),n)for(t in n)s&&t in s||nt(e.style,t);if(s)for(t in s)n&&s[t]==n[t]||nt(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof n!="function"&&(n=null),(e.__e||(e.__e={}))[t]=s,s&&n||(o=Ne[t]||(Ne[t]=fs(t)),(e.__a||(e.__a={}))[t]=Te,i=t!=(t=t.replace(it,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,i):e.removeEventListener(t,o,i));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function fs(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[ge]==null)t[ge]=Te++;else if(t[ge]<this.__a[e])return;return s(T.event?T.event(t):t)}}}function Pe(e,t,s,n,r,i,o,l,u,h){var c,m,p,d,g,_,f,b,y,v,$,x,P,he,J,st,q,Y,F=t.type;if(t.constructor!==oe)return null;128&s.__u&&(u=32&s.__u,c=s.__c.__z)&&(t.__u|=u,m=i=[],c.nodeType==8?l=_e(c,i):i.push(c),l=i[0]||l),(c=T.__b)&&c(t);e:if(typeof F=="function"){p=o.length;try{if(b=t.props,y=(c=F.prototype)&&c.render,v=(c=F.contextType)&&n[c.__c],$=c?v?v.props.value:c.__:n,(d=s.__c)?(t.__c=d,2&d.__g&&(d.__g|=1)):(y?t.__c=d=new F(b,$):(t.__c=d=new ve(b,$),d.constructor=F,d.render=$s),v&&v.sub(d),d.state||(d.state={}),d.__n=n,d.__g|=8,d.__h=[],d.__k=[]),y&&(d.__s||(d.__s=d.state),F.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=Z({},d.__s)),Z(d.__s,F.getDerivedStateFromProps(b,d.__s)))),g=d.props,_=d.state,d.__v=t,s.__c){if(b!==g&&y&&!F.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(b,$),t.__v==s.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate(b,d.__s,$)===!1){t.__v!=s.__v&&(d.props=b,d.state=d.__s,d.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(j){j&&(j.__=t)}),ke.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&o.push(d),l=K(s);break e}d.componentWillUpdate&&d.componentWillUpdate(b,d.__s,$),y&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(g,_,f)})}else y&&!F.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),y&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=$,d.props=b,d.__P=e,d.__g&=-5,x=T.__r,P=y?25:0;do d.__g&=-9,x&&x(t),c=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++P<25);y&&(ke.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(n=Z({},n,d.getChildContext())),y&&s.__c&&d.getSnapshotBeforeUpdate&&(f=d.getSnapshotBeforeUpdate(g,_)),he=c&&c.type===xe&&c.key==null?c.props.children:c,b.__P&&(c=l,r=(e=b.__P).namespaceURI,u=i=null,s.props&&s.props.__P!=e&&(s.__k.some(function(j){j&&Re(j,j)}),s.__k=null),l=s.__k?K(s,0):null),l=pt(e,Ae(he)?he:[he],t,s,n,r,i,o,l,u,h),b.__P&&(t.__e=null,l=c),t.__u&=-161,m&&m.some(X),d.__h.length&&o.push(d),1&d.__g&&(d.__g&=-4)}catch(j){if(o.length=p,t.__v=null,u||i)if(j&&j.then){if(t.__u|=128|u,i){for(~(q=i.indexOf(l||void 0))||(q=i.length);(Y=i[q-1])&&Y.nodeType==8;)q--;for(;q<i.length;q++)if(Y=i[q])if(i[q]=null,J){if(Y==st)break}else{if(Y.nodeType!=8)break;Y.data.startsWith("$s")&&(st=_e(J=Y))}}if(!J){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;J=l}(c=_e(J=t.__c.__z||(t.__c.__z=J)))?(t.__e=J,l=c):t.__e=l,l=l&&l.nextSibling}else i&&i.some(X);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),j&&j.then||mt(t),T.__e(j,t,s)}}else l=t.__e=hs(s.__e,t,s,n,r,i,o,u,h,e);return(c=T.diffed)&&c(t),l}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function mt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(mt))}function ft(e,t,s){for(var n=0;n<s.length;)De(s[n++],s[n++],s[n++]);T.__c&&T.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(i){i.call(r)})}catch(i){T.__e(i,r.__v)}})}function hs(e,t,s,n,r,i,o,l,u,h){var c,m,p,d,g,_,f,b,y=s.props||ye,v=t.props,$=t.type;if($=="svg"?r="http://www.w3.org/2000/svg":$=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),i){for(c=0;c<i.length;c++)if((g=i[c])&&($?g.localName==$:g.nodeType==3)){e=g,i[c]=null;break}}if(!e){if(b=h.ownerDocument||document,!$)return b.createTextNode(v);e=b.createElementNS(r,$,v.is?v:h),l&&(T.__m&&T.__m(t,i),l=!1),i=null}if($){if(h=$=="template"&&e.content||e,i=$=="textarea"&&v.defaultValue!=null?null:i&&Le.call(h.childNodes),!l&&i)for(y={},c=0;c<e.attributes.length;c++)y[(g=e.attributes[c]).name]=g.value;for(c in y)g=y[c],c=="dangerouslySetInnerHTML"?p=g:c=="children"||c in v||c=="value"&&"defaultValue"in v||c=="checked"&&"defaultChecked"in v||$e(e,c,null,g,r);for(c in v)g=v[c],c=="children"?d=g:c=="dangerouslySetInnerHTML"?m=g:c=="value"?_=g:c=="checked"?f=g:l&&typeof g!="function"||y[c]===g||$e(e,c,g,y[c],r);m?(l||p&&(m.__html==p.__html||m.__html==e.innerHTML)||(e.innerHTML=m.__html),t.__k=[]):(p&&(e.textContent=""),($=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&ds.test($))&&(r="http://www.w3.org/1999/xhtml"),pt(h,Ae(d)?d:[d],t,s,n,r,i,o,i?i[0]:s.__k&&K(s,0),l,u),i&&i.some(X)),l&&$!="textarea"||(c="value",$=="progress"&&_==null?e.removeAttribute(c):_==null||_===e[c]&&($!="progress"||_)||$e(e,c,_,y[c],r),c="checked",f!=null&&f!=e[c]&&$e(e,c,f,y[c],r))}else y===v||l&&e.data==v||(e.data=v);return e}function De(e,t,s,n){try{typeof e=="function"?t?t.__x=e(t)||1:n&&(n=n.__c||n.__e)&&(t=n.__x)&&(n.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){T.__e(r,s)}}function Re(e,t,s){var n,r,i,o;if(T.unmount&&T.unmount(e),!(n=e.ref)||n.current&&n.current!=e.__e||De(n,null,t,e),n=e.__c){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(l){T.__e(l,t)}n.__P=n.__n=null}if(n=e.__k)for(o=0;o<n.length;o++)n[o]&&Re(n[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(n=e.__c)&&(n=n.__z)&&(r=_e(n,i=[]))&&(n==e.__e&&i.some(X),X(r),X(n)),s||X(e.__e),e.__e=e.__c=e.__=null}function $s(e,t,s){return this.constructor(e,s)}function ht(e,t){var s,n,r,i;T.__&&T.__(e,t),t.nodeType==9&&(t=t.documentElement),n=(s=e&&32&e.__u)?null:t.__k,t.__k=ne(xe,{children:[e]}),r=[],i=[],Pe(t,t.__k,n||ye,ye,t.namespaceURI,n?null:t.firstChild?Le.call(t.childNodes):null,r,n?n.__e:t.firstChild,s,i),ft(r,t.__k,i),t.__k.props.children=null}T={__e:function(e,t,s,n){for(var r,i,o;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((o=(i=r.constructor)&&i.getDerivedStateFromError)&&r.setState(i.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,n||{}),o=1),o&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw be=0,e}},ot=0,ls=function(e){return e!=null&&e.constructor===oe},ve.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=Z({},this.state)),typeof e=="function"&&(e=e(Z({},s),this.props)),e&&(Z(s,e),this.__v&&(t&&this.__k.push(t),at(this)))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),at(this))},ve.prototype.render=xe,G=[],be=0,rt=function(e,t){return e.__v.__b-t.__v.__b},ge=Symbol(),it=/(PointerCapture)$|Capture$/i,Te=0,Ne={},cs=0;var ie,R,Oe,$t,Me=Object.is,le=0,St=[],Ue=[],D=T,gt=D.__b,vt=D.__r,_t=D.diffed,bt=D.__c,yt=D.unmount,kt=D.__;function Ve(e,t){D.__h&&D.__h(R,e,le||t),le=0;var s=R.__H||(R.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return le=1,gs(It,e)}function gs(e,t,s){var n=Ve(ie++,2);if(n.t=e,!n.__c&&(n.__=[s?s(t):It(void 0,t),function(i){var o=(n.__N||n.__)[0],l=n.t(o,i);Me(o,l)||(n.__N=[l,n.__[1]],n.__c.setState({}))}],n.__c=R,!R.__f)){R.__f=!0;var r=R.shouldComponentUpdate;R.shouldComponentUpdate=function(i,o,l){var u=this.__H;if(!u)return!0;var h=!1,c=this.props!=i;if(u.__.some(function(p){p.__N&&(h=!0,Me(p.__[0],p.__N[0])||(c=!0))}),r){var m=r.call(this,i,o,l);return h?m||c:m}return!h||c}}return n.__}function B(e,t){var s=Ve(ie++,3);!D.__s&&Et(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,R.__H.__h.push(s))}function te(e){return le=5,ce(function(){return{current:e}},[])}function ce(e,t){var s=Ve(ie++,7);return Et(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function Ct(e,t){return le=8,ce(function(){return e},t)}function vs(){var e;do{for(;e=Ue.shift();)try{re(e)}catch(s){D.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=St.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(re),t.__h.some(je),t.__h=[]}catch(s){t.__h=[],D.__e(s,e.__v)}}}while(Ue.length)}D.__b=function(e){R=null,gt&&gt(e)},D.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),kt&&kt(e,t)},D.__r=function(e){vt&&vt(e),ie=0;var t=(R=e.__c).__H;t&&(Oe==R?R.__h=[]:(t.__h.some(re),t.__h.some(je),ie=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Oe=R},D.diffed=function(e){_t&&_t(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&wt(St.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Oe=R=null},D.__c=function(e,t){t.some(function(s){try{s.__h.some(re),s.__h=s.__h.filter(function(n){return!n.__||je(n)})}catch(n){s.__h=[function(){throw n}]}}),bt&&bt(e,t)},D.unmount=function(e){yt&&yt(e);var t,s,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,wt(Ue.push(r))}else re(r)}catch(i){t=i}}),n.__H=void 0,t&&D.__e(t,n.__v))};var xt=typeof requestAnimationFrame=="function";function _s(e){var t,s=function(){clearTimeout(n),xt&&cancelAnimationFrame(t),setTimeout(e)},n=setTimeout(s,35);xt&&(t=requestAnimationFrame(s))}function wt(e){e!=1&&$t==D.requestAnimationFrame||(($t=D.requestAnimationFrame)||_s)(vs)}function re(e){var t=R,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),R=t}function je(e){var t=R;e.__c=e.__(),R=t}function Et(e,t){return!e||e.length!=t.length||t.some(function(s,n){return!Me(s,e[n])})}function It(e,t){return typeof t=="function"?t(e):t}var Fe="scanfleet.token",He=sessionStorage.getItem(Fe)||"",Be=new Set;function Nt(){return He}function we(e){He=e,e?sessionStorage.setItem(Fe,e):sessionStorage.removeItem(Fe);for(let t of Be)t(e)}function Tt(e){return Be.add(e),()=>Be.delete(e)}var se=class extends Error{constructor(t,s){super(s),this.status=t}};async function w(e,{method:t="GET",body:s,raw:n=!1,token:r}={}){let i={Authorization:"Bearer "+(r??He)};s!==void 0&&(i["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:i,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw r===void 0&&we(""),new se(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new se(o.status,l)}return n?o:o.status===204?null:o.json()}async function Se(e,t){let s=await w(e,{raw:!0}),n=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(n),i=await s.blob(),o=URL.createObjectURL(i),l=document.createElement("a");l.href=o,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function U(e){let t=new URLSearchParams;for(let[n,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(n,String(r));let s=t.toString();return s?"?"+s:""}var Lt=function(e,t,s,n){var r;t[0]=0;for(var i=1;i<t.length;i++){var o=t[i++],l=t[i]?(t[0]|=o?1:2,s[t[i++]]):t[++i];o===3?n[0]=l:o===4?n[1]=Object.assign(n[1]||{},l):o===5?(n[1]=n[1]||{})[t[++i]]=l:o===6?n[1][t[++i]]+=l+"":o?(r=e.apply(l,Lt(e,l,s,["",null])),n.push(r),l[0]?t[0]|=2:(t[i-2]=0,t[i]=r)):n.push(l)}return n},At=new Map;function Pt(e){var t=At.get(this);return t||(t=new Map,At.set(this,t)),(t=Lt(this,t.get(e)||(t.set(e,t=(function(s){for(var n,r,i=1,o="",l="",u=[0],h=function(p){i===1&&(p||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?u.push(0,p,o):i===3&&(p||o)?(u.push(3,p,o),i=2):i===2&&o==="..."&&p?u.push(4,p,0):i===2&&o&&!p?u.push(5,0,!0,o):i>=5&&((o||!p&&i===5)&&(u.push(i,0,o,r),i=6),p&&(u.push(i,p,0,r),i=6)),o=""},c=0;c<s.length;c++){c&&(i===1&&h(),h(c));for(var m=0;m<s[c].length;m++)n=s[c][m],i===1?n==="<"?(h(),u=[u],i=3):o+=n:i===4?o==="--"&&n===">"?(i=1,o=""):o=n+o[0]:l?n===l?l="":o+=n:n==='"'||n==="'"?l=n:n===">"?(h(),i=1):i&&(n==="="?(i=5,r=o,o=""):n==="/"&&(i<5||s[c][m+1]===">")?(h(),i===3&&(u=u[0]),i=u,(u=u[0]).push(2,0,i),i=0):n===" "||n==="	"||n===`
`||n==="\r"?(h(),i=2):o+=n),i===3&&o==="!--"&&(i=4,u=u[0])}return h(),u})(e)),t),arguments,[])).length>1?t:t[0]}var a=Pt.bind(lt);function Q(e){let[t,s]=k(e),n=te(e);return B(()=>{n.current!==e&&(n.current=e,s(e))},[e]),[t,s]}var O=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function We(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function C(e,t={}){let s=new URLSearchParams;for(let[r,i]of Object.entries(t))i!=null&&i!==""&&i!==!1&&s.set(r,String(i));let n=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(n?"?"+n:"")}function H(e,t){location.hash=C(e,t)}function E(e,t,s=0){let[n,r]=k({data:null,error:null,loading:!0}),i=te(0),o=Ct(async()=>{let l=++i.current;try{let u=await e();l===i.current&&r({data:u,error:null,loading:!1})}catch(u){l===i.current&&r(h=>({data:h.data,error:u,loading:!1}))}},t);return B(()=>{if(r(u=>({...u,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),i.current++}},[o]),{...n,reload:o}}function de(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function M(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function I(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function L(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Rt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function W(e){return"sev sev-"+(e||"unknown").toLowerCase()}function S({error:e}){return e?a`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function N({what:e="Loading"}){return a`<p class="muted" role="status">${e}…</p>`}function Dt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function bs(e,t){let s=[e.map(([n])=>Dt(n)).join(",")];for(let n of t)s.push(e.map(([,r])=>Dt(r(n))).join(","));return s.join(`\r
`)+`\r
`}function qe(e,t,s="text/csv"){let n=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=n,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(n),1e4)}function A({name:e,columns:t,rows:s,label:n="Export CSV"}){let[r,i]=k(!1),[o,l]=k(null);async function u(){i(!0),l(null);try{qe(e+".csv",bs(t,await s()))}catch(h){l(h)}i(!1)}return a`<span class="csv"><button type="button" class="small" onClick=${u} disabled=${r}
    aria-label=${n+" ("+e+".csv)"}>${r?"Exporting\u2026":n}</button>${o&&a` <span class="error" role="alert">${o.message}</span>`}</span>`}function V({offset:e,size:t,total:s,onGo:n,label:r="Pages"}){return s<=t&&e===0?null:a`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>n(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>n(e+t)}>Next</button>
  </nav>`}function Ce({coverage:e,notCovered:t=[]}){return e==="not_covered"?a`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?a`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}function Ot(e){return(e||"").split(/[\n,]/).map(t=>t.trim()).filter(Boolean)}var ys=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],Ge=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ks(e){if(!e)return"Manual";let t=Ge.find(([s])=>s===e);return t?t[1]:"Every "+e}var Mt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},xs=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function ws({initial:e,onDone:t,onCancel:s}){let n=!!e,[r,i]=k(e?{...Mt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Mt),[o,l]=k(null),[u,h]=k(!1),c=d=>g=>{let _=g.currentTarget;i({...r,[d]:_.type==="checkbox"?_.checked:_.value})};async function m(d){d.preventDefault(),h(!0),l(null);let g={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0,kind:r.kind||void 0,namespace:r.namespace.trim()||void 0,api:r.api.trim()||void 0,repositories:r.repositories.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),api_token:r.api_token||void 0,webhook_secret:r.webhook_secret||void 0,max_pulls:r.max_pulls?Number(r.max_pulls):void 0,pulls_per_second:r.pulls_per_second?Number(r.pulls_per_second):void 0};try{n?await w("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:g}):await w("/api/v1/registries",{method:"POST",body:g}),t(g.name)}catch(_){l(_),h(!1)}}let p=r.interval&&!Ge.some(([d])=>d===r.interval);return a`<form class="card form" onSubmit=${m} aria-labelledby="regform-title">
    <h2 id="regform-title">${n?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${c("name")}
          readonly=${n} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${c("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${c("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${c("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${c("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${p?"custom":r.interval} onChange=${d=>{let g=d.currentTarget.value;i({...r,interval:g==="custom"?"2h":g})}}>
          ${Ge.map(([d,g])=>a`<option value=${d}>${g}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${p&&a`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${c("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${c("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${c("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${c("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${r.kind} onChange=${c("kind")}>
          ${xs.map(([d,g])=>a`<option value=${d}>${g}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${r.namespace} onInput=${c("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${r.api} onInput=${c("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${r.api_token} onInput=${c("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${r.repositories} onInput=${c("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${r.webhook_secret} onInput=${c("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${r.max_pulls} onInput=${c("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${r.pulls_per_second} onInput=${c("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${c("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${c("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${n&&a` Saving replaces them:
        ${e.password_set||e.token_set?a`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${S} error=${o} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${u}>${n?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Ss({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,n;return e.crawling?n="Listing images\u2026":s?n=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?n=`Last scan ${L(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):n="Never scanned",a`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${n}</span>
    ${s&&t>0&&a`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&a`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function Ut({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=E(()=>w("/api/v1/console/registries"),[],2e3),[i,o]=k(null),[l,u]=k(""),[h,c]=k(null);async function m(p,d){c(null);try{await p(),u(d),r()}catch(g){c(g)}}return a`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!i&&a`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${i&&a`<${ws}
      initial=${i==="new"?null:i}
      onCancel=${()=>o(null)}
      onDone=${p=>{o(null),u("Registry "+p+" saved."),r()}}
    />`}
    <${S} error=${h||n} />
    ${!s&&!n&&a`<${N} />`}
    ${s&&s.length===0&&a`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&a`<div class="list-tools"><span></span><${A} name="registries" columns=${ys} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(p=>a`<tr key=${p.name} data-registry=${p.name}>
            <th scope="row"><a href=${C(["images"],{registry:p.name})}>${p.name}</a>
              ${(p.filters||[]).length>0&&a`<div class="small muted">${p.filters.join(", ")}</div>`}</th>
            <td class="mono small">${p.url}${p.username&&a`<div class="muted">as ${p.username}</div>`}</td>
            <td>${ks(p.interval)}${p.rescan_after_db_update&&a`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${p.images}</td>
            <td><${Ss} r=${p} /></td>
            ${t&&a`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+p.name+" now"} disabled=${p.crawling}
                onClick=${()=>m(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}/scan`,{method:"POST",body:{}}),"Scan of "+p.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+p.name} onClick=${()=>o(p)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+p.name}
                onClick=${()=>confirm(`Delete registry ${p.name}? Its stored results stay.`)&&m(()=>w(`/api/v1/registries/${encodeURIComponent(p.name)}`,{method:"DELETE"}),"Registry "+p.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var jt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function pe(e){return jt[e]||jt.UNKNOWN}function z({counts:e={},fixable:t={},title:s="Findings by severity"}){let n=O.filter(g=>e[g]>0);if(!n.reduce((g,_)=>g+e[_],0))return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let i=Math.max(...n.map(g=>e[g])),o=26,l=de(),u=l?84:92,h=l?96:120,c=l?340:560,m=c-u-h,p=n.length*o+24,d=s+": "+n.map(g=>`${e[g]} ${g.toLowerCase()} (${t[g]||0} with a fix)`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${c} ${p}" role="img" aria-label=${d} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${n.map(g=>a`<pattern id=${"nofix-"+g} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${pe(g)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${pe(g)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${n.map((g,_)=>{let f=_*o+2,b=e[g],y=Math.min(t[g]||0,b),v=Math.max(2,b/i*m),$=y/b*v;return a`<g>
          <text x="0" y=${f+16} class="chart-label">${g}</text>
          <rect x=${u} y=${f+3} width=${$} height="18" fill=${pe(g)} />
          <rect x=${u+$} y=${f+3} width=${v-$} height="18" fill=${"url(#nofix-"+g+")"} />
          <text x=${u+v+6} y=${f+16} class="chart-num">${b} (${y} fix)</text>
        </g>`})}
      <g transform=${`translate(${u},${n.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${n[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function Ee({samples:e=[],series:t,title:s,timeFmt:n}){let r=de()?360:640,i=de()?200:220,o=44,l=12,u=12,h=40;if(e.length<2)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let c=new Date(e[0].time).getTime(),m=new Date(e[e.length-1].time).getTime(),p=Math.max(1,m-c),d=Math.max(1,...e.flatMap(x=>t.map(P=>x[P.key]||0))),g=Vt(d),_=x=>o+(new Date(x).getTime()-c)/p*(r-o-l),f=x=>u+(1-x/g)*(i-u-h),b=e[e.length-1],y=s+(n?` from ${$(e[0].time)} to ${$(b.time)}: `:` over the last ${Math.round(p/6e4)||"<1"} min: `)+t.map(x=>`${x.label} now ${b[x.key]||0}, peak ${Math.max(...e.map(P=>P[x.key]||0))}`).join("; "),v=[0,g/2,g],$=n||(x=>new Date(x).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${y} preserveAspectRatio="xMinYMin meet">
      ${v.map(x=>a`<g>
          <line x1=${o} x2=${r-l} y1=${f(x)} y2=${f(x)} class="grid" />
          <text x=${o-6} y=${f(x)+4} text-anchor="end" class="chart-num">${x}</text>
        </g>`)}
      <text x=${o} y=${i-h+16} class="chart-num">${$(e[0].time)}</text>
      <text x=${r-l} y=${i-h+16} text-anchor="end" class="chart-num">${$(b.time)}</text>
      ${t.map(x=>a`<polyline fill="none" stroke=${x.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(P=>`${_(P.time).toFixed(1)},${f(P[x.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${i-10})`}>
        ${t.map((x,P)=>a`<g transform=${`translate(${P*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${x.color} /><text x="18" y="-3" class="chart-legend">${x.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Vt(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Ft({days:e=[],valueKey:t,title:s,color:n="#1a5fb4"}){if(!e.length)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=de()?340:560,i=170,o=36,l=24,u=14,h=Vt(Math.max(1,...e.map(_=>_[t]||0))),c=(r-o)/Math.max(e.length,7),m=Math.max(4,Math.min(40,c*.7)),p=_=>u+(1-_/h)*(i-u-l),d=_=>new Date(_+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),g=s+": "+e.map(_=>`${d(_.day)} ${_[t]||0}`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${g} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map(_=>a`<g><line x1=${o} x2=${r} y1=${p(_)} y2=${p(_)} class="grid" />
          <text x=${o-6} y=${p(_)+4} text-anchor="end" class="chart-num">${_}</text></g>`)}
      ${e.map((_,f)=>{let b=_[t]||0,y=o+f*c+(c-m)/2;return a`<g>
          <rect x=${y} y=${p(b)} width=${m} height=${Math.max(0,i-l-p(b))} fill=${n} />
          ${(e.length<=10||f===0||f===e.length-1)&&a`<text x=${y+m/2} y=${i-8} text-anchor="middle" class="chart-num">${d(_.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var ue=50,Cs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],Es=[["","Any"],["true","Running"],["false","Not running"]],Is=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function me({sev:e={},fix:t,coverage:s,notCovered:n}){let r=O.filter(o=>e[o]>0),i=a`<${Ce} coverage=${s} notCovered=${n} />`;return r.length?a`<span class="counts">${i}
    ${r.map(o=>a`<span class=${W(o)} title=${`${e[o]} ${o.toLowerCase()}`+(t?`, ${t[o]||0} with a fix`:"")}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?i:a`<span class="muted">none</span>`}function Bt({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",running:e.running==="true"||e.running==="false"?e.running:"",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:n,error:r,loading:i}=E(()=>w("/api/v1/console/images"+U({...t,limit:ue})),[s],1e4),[o,l]=Q(t.q),u=m=>H(["images"],{...t,offset:0,...m}),h=m=>{let p=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);u({sort:m,order:t.sort===m?p?"asc":"desc":""})},c=m=>t.sort!==m?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(m))?"descending":"ascending";return a`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${m=>{m.preventDefault(),u({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${m=>u({registry:m.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(n?.registries||(t.registry?[t.registry]:[])).map(m=>a`<option value=${m}>${m}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${m=>u({repository:m.currentTarget.value})}>
          <option value="">All</option>
          ${(n?.repositories||(t.repository?[t.repository]:[])).map(m=>a`<option value=${m}>${m}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${m=>u({severity:m.currentTarget.value})}>
          <option value="">Any</option>
          ${O.map(m=>a`<option value=${m}>${m[0]+m.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${m=>u({coverage:m.currentTarget.value})}>
          ${Is.map(([m,p])=>a`<option value=${m}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${t.running} onChange=${m=>u({running:m.currentTarget.value})}>
          ${Es.map(([m,p])=>a`<option value=${m}>${p}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${m=>l(m.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${m=>u({fixable:m.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!n&&!r&&a`<${N} />`}
    ${n&&a`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${n.total}</strong> image${n.total===1?"":"s"}${n.not_covered>0?a`, <a href=${C(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${n.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${n.running>0?a`, <a href=${C(["images"],{...t,offset:0,running:"true"})}><strong>${n.running}</strong> running</a>`:""}${i?" (refreshing\u2026)":""}</p>
          <${A} name="images" columns=${Ns} rows=${()=>Ts(t)} />
        </div>
        ${t.running&&n.running_containers===0&&a`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${z} counts=${n.severities} fixable=${n.fixable} title="Findings in these images by severity" />
      </div>
      ${n.total===0?a`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:a`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${Cs.map(m=>a`<th scope="col" class=${m.cls||""} aria-sort=${c(m.key)}>
              <button type="button" class="sort" onClick=${()=>h(m.key)}>${m.label}<span aria-hidden="true">${t.sort===m.key?c(m.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${n.items.map(m=>{let p=Object.values(m.fixable||{}).reduce((d,g)=>d+g,0);return a`<tr key=${m.registry+m.repository+m.digest}>
              <th scope="row">
                <a href=${C(["image",m.digest])}>${m.repository}:${m.tag}</a>
                ${m.running&&a` <a class="badge running" href=${C(["workloads"],{})} title="A running container uses this image">running</a>`}
                ${(m.tags||[]).filter(d=>d!==m.tag).length>0&&a`<div class="small">also ${(m.tags||[]).filter(d=>d!==m.tag).map(d=>":"+d).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${m.registry} · ${M(m.digest)}</div>
              </th>
              <td class="hide-sm">${m.os||a`<span class="muted">unknown</span>`}</td>
              <td><${me} sev=${m.severities} fix=${m.fixable} coverage=${m.coverage} notCovered=${m.not_covered} /></td>
              <td class="num">${p} / ${m.vulnerabilities}${m.coverage==="not_covered"?a`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${m.packages}</td>
              <td class="hide-sm" title=${m.scanned_at}>${L(m.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>u({offset:Math.max(0,t.offset-ue)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(n.total,t.offset+ue)} of ${n.total}</span>
        <button type="button" disabled=${t.offset+ue>=n.total} onClick=${()=>u({offset:t.offset+ue})}>Next</button>
      </nav>`}
    `}`}var Ns=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at],["running",e=>!!e.running]];async function Ts(e){let t=[];for(let s=0;;s+=500){let n=await w("/api/v1/console/images"+U({...e,offset:s,limit:500}));if(t.push(...n.items),s+500>=n.total)return t}}var ee=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],As=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Ls(e){let s=(e.references||[]).find(n=>/^https:\/\//.test(n));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var Ht=50;function Ke({kev:e}){return e?a`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function ze({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return a`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function Je({cvss:e}){return!e||!e.length?a`<span class="muted">none given</span>`:a`<ul class="refs">${e.map(t=>a`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Ye({refs:e}){return!e||!e.length?a`<span class="muted">none</span>`:a`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?a`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:a`<li>${t}</li>`)}</ul>`}function Ps({v:e}){return a`<div class="detail-body">
    ${e.title&&a`<strong>${e.title}</strong>`}
    ${e.description?a`<p class="description">${e.description}</p>`:a`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${Je} cvss=${e.cvss} /></dd>
      ${e.kev&&a`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&a`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&a`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Ye} refs=${e.references} /></dd>
    </dl>
  </div>`}var Ds=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Xe({rep:e,name:t}){let[s,n]=k(""),[r,i]=k(""),[o,l]=k(!1),[u,h]=k(!1),[c,m]=k(0),[p,d]=k({}),g=e.vulnerabilities||[],_=ce(()=>{let v=s.trim().toLowerCase();return g.filter($=>(!r||($.severity||"").toUpperCase()===r)&&(!o||$.fixed_version)&&(!u||$.kev)&&(!v||($.id+" "+($.aliases||[]).join(" ")+" "+$.package+" "+($.title||"")).toLowerCase().includes(v))).sort(($,x)=>O.indexOf(($.severity||"UNKNOWN").toUpperCase())-O.indexOf((x.severity||"UNKNOWN").toUpperCase())||(x.kev?1:0)-($.kev?1:0)||$.id.localeCompare(x.id))},[g,s,r,o,u]),f=v=>$=>{v($),m(0)},b=_.slice(c,c+Ht),y=g.some(v=>v.kev);return a`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${v=>v.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${v=>f(n)(v.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${v=>f(i)(v.currentTarget.value)}>
          <option value="">Any</option>
          ${O.map(v=>a`<option value=${v}>${v[0]+v.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${v=>f(l)(v.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${y&&a`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${u} onChange=${v=>f(h)(v.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${_.length} of ${g.length} findings</p>
      <${A} name=${t+"-findings"} columns=${Ds} rows=${()=>_} />
    </div>
    ${_.length>0&&a`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${b.map((v,$)=>{let x=v.id+"|"+v.package+"|"+v.installed_version+"|"+(v.package_path||"")+"|"+(c+$),P=!!p[x];return a`<tr key=${x}>
            <td><span class=${W((v.severity||"").toUpperCase())}>${v.severity||"UNKNOWN"}</span>
              ${v.severity_source&&a`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${C(["vulnerabilities",v.id])}>${v.id}</a>
              <a class="ext" href=${Ls(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+v.id+" (opens a new tab)"}>↗</a>
              <${Ke} kev=${v.kev} /><${ze} epss=${v.epss} />
              ${v.title&&a`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases||[]).length>0&&a`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type&&a` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version?a`<strong>${v.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer?a`<span class="mono">${M(v.layer)}</span>`:""}
              ${v.layer_created_by&&a`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${P?"true":"false"} aria-controls=${"d-"+(c+$)}
              aria-label=${(P?"Hide details of ":"Show details of ")+v.id+" in "+v.package}
              onClick=${()=>d({...p,[x]:!P})}>${P?"Hide":"Details"}</button></td>
          </tr>
          ${P&&a`<tr class="detail" key=${x+"-d"} id=${"d-"+(c+$)}><td colspan="6"><${Ps} v=${v} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${V} offset=${c} size=${Ht} total=${_.length} onGo=${m} label="Pages of findings" />`}`}function Rs({rep:e}){let t=e.image?.layers||[],s=i=>{let o={};for(let l of i||[])o[l.layer]=(o[l.layer]||0)+1;return o},n=s(e.packages),r=s(e.vulnerabilities);return t.length?a`<ol class="layers">
    ${t.map((i,o)=>a`<li key=${i.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${M(i.digest)}</span>
          <span class="muted small">${Rt(i.size)}</span></div>
        <pre class="created-by-full">${i.created_by||"(no history entry)"}</pre>
        <p class="small">${n[i.digest]||0} packages introduced · ${r[i.digest]||0} findings</p>
      </li>`)}
  </ol>`:a`<p class="empty">This report lists no layers.</p>`}var Os=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Ze({rep:e,name:t}){let[s,n]=k(""),[r,i]=k(200),o=e.packages||[],l=s.trim().toLowerCase(),u=o.filter(h=>!l||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(l));return a`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>n(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${u.length} of ${o.length} packages</p>
      <${A} name=${t+"-packages"} columns=${Os} rows=${()=>u} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${u.slice(0,r).map((h,c)=>a`<tr key=${c}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${M(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${u.length>r&&a`<button type="button" onClick=${()=>i(r+500)}>Show more (${u.length-r} left)</button>`}`}function Wt({digest:e,query:t}){let{data:s,error:n}=E(()=>w("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=E(()=>w("/api/v1/console/images"+U({q:e,limit:20,sort:"reference"})).then(b=>b.items.filter(y=>y.digest===e)),[e]),[i,o]=k(t.tab||"findings"),[l,u]=k(null),h=ce(()=>{let b={},y={};for(let v of s?.vulnerabilities||[]){let $=(v.severity||"UNKNOWN").toUpperCase();b[$]=(b[$]||0)+1,v.fixed_version&&(y[$]=(y[$]||0)+1)}return{c:b,f:y}},[s]);if(n)return a`<h1>Image</h1><${S} error=${n} />`;let c=(r||[]).flatMap(b=>(b.tags&&b.tags.length?b.tags:[b.tag]).map(y=>b.registry+"/"+b.repository+":"+y)),m=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,p=(r&&r.length?r[0].repository+"-"+r[0].tag:M(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return a`<h1>Image</h1><${N} />`;let d=s.image||{},g=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",_=(s.coverage||[]).filter(b=>!b.covered),f=b=>{let y=ee.findIndex(([$])=>$===i),v=-1;b.key==="ArrowRight"&&(v=(y+1)%ee.length),b.key==="ArrowLeft"&&(v=(y+ee.length-1)%ee.length),v>=0&&(b.preventDefault(),o(ee[v][0]),document.getElementById("tab-"+ee[v][0]).focus())};return a`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${m}</h1>
    ${c.length>0&&a`<p class="muted small" id="image-tags">${c.join(", ")}</p>`}
    <p class="mono small break">${d.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${g}</dd></div>
      ${d.platform&&a`<div><dt>Platform</dt><dd>${d.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${I(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&a`<div><dt>Database</dt><dd><span class="mono small">${M(s.db.digest)}</span><div class="small muted">built ${I(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${_.length>0&&a`<p class="warn" role="note">Not covered by the database: ${_.map(b=>b.ecosystem+" ("+b.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${As.map(([b,y])=>a`<button type="button" class="small" onClick=${()=>{u(null),Se(`/api/v1/images/${encodeURIComponent(e)}/report?format=${b}`,"report."+b).catch(u)}}>${y}</button>`)}
    </div>
    <${S} error=${l} />
    <${z} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${f}>
      ${ee.map(([b,y])=>a`<button type="button" role="tab" id=${"tab-"+b} aria-controls=${"panel-"+b}
          aria-selected=${i===b?"true":"false"} tabindex=${i===b?0:-1} onClick=${()=>o(b)}>${y}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+i} aria-labelledby=${"tab-"+i} class="panel">
      ${i==="findings"&&a`<${Xe} rep=${s} name=${p} />`}
      ${i==="layers"&&a`<${Rs} rep=${s} />`}
      ${i==="packages"&&a`<${Ze} rep=${s} name=${p} />`}
    </section>`}var qt=50;function Ms({id:e,role:t}){let{data:s,error:n}=E(()=>w("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[r,i]=k(0);return n?a`<h1 class="break">${e}</h1>
      ${n.status===404?a`<p class="empty">No scanned image has ${e}.</p>`:a`<${S} error=${n} />`}`:s?a`
    <h1 class="break">${s.id} <span class=${W(s.severity)}>${s.severity}</span><${Ke} kev=${s.kev} /><${ze} epss=${s.epss} /></h1>
    ${s.title&&a`<p class="vuln-title"><strong>${s.title}</strong></p>`}
    ${s.aliases.length>0&&a`<p>Also known as ${s.aliases.join(", ")}</p>`}
    ${s.description&&a`<p class="description">${s.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${s.severity}${s.severity_source?" (from "+s.severity_source+")":""}</dd></div>
      ${s.cvss&&s.cvss.length>0&&a`<div class="wide-fact"><dt>CVSS</dt><dd><${Je} cvss=${s.cvss} /></dd></div>`}
      ${s.kev&&a`<div><dt>Known exploited</dt><dd>CISA KEV since ${s.kev.date_added}${s.kev.due_date?", due "+s.kev.due_date:""}</dd></div>`}
      ${s.epss&&a`<div><dt>EPSS</dt><dd>${(s.epss.score*100).toFixed(2)}% (percentile ${Math.round(s.epss.percentile*100)})</dd></div>`}
    </dl>
    ${s.references.length>0&&a`<details open=${s.references.length<=5}><summary>References (${s.references.length})</summary><${Ye} refs=${s.references} /></details>`}
    <p class="downloads">
      <a href=${C(["workloads"],{cve:s.id})}>Running workloads carrying ${s.id}</a>
      ${t==="admin"&&a` · <a href=${C(["exceptions"],{new:s.id})} data-testid="except-link">Add an exception for ${s.id}…</a>`}
    </p>
    <div class="list-tools">
      <h2>${s.images.length} affected image${s.images.length===1?"":"s"}</h2>
      <${A} name=${s.id+"-images"} columns=${Us} rows=${()=>s.images.flatMap(o=>o.findings.map(l=>({im:o,f:l})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${s.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${s.images.slice(r,r+qt).map(o=>o.findings.map((l,u)=>a`<tr key=${o.digest+u}>
              ${u===0&&a`<th scope="row" rowspan=${o.findings.length}>
                <a href=${C(["image",o.digest])}>${o.repository}:${o.tag}</a>
                ${(o.tags||[]).filter(h=>h!==o.tag).length>0&&a`<div class="small">also ${(o.tags||[]).filter(h=>h!==o.tag).map(h=>":"+h).join(", ")}</div>`}
                <div class="small muted mono">${o.registry} · ${M(o.digest)}</div>
              </th>`}
              <td>${l.package}</td>
              <td class="mono small">${l.installed_version} → ${l.fixed_version?a`<strong>${l.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
              ${u===0&&a`<td class="hide-sm" rowspan=${o.findings.length}>${L(o.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${V} offset=${r} size=${qt} total=${s.images.length} onGo=${i} label="Pages of affected images" />`:a`<h1 class="break">${e}</h1><${N} />`}var Us=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],js=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Gt({id:e,query:t,role:s}){let[n,r]=Q(t.q||e||""),i=t.q||"",{data:o,error:l}=E(()=>e?Promise.resolve(null):w("/api/v1/vulnerabilities"+U({q:i,limit:100})),[i,e]);async function u(h){h.preventDefault();let c=n.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(c))try{let p=(await w("/api/v1/vulnerabilities"+U({q:c,limit:5}))).find(d=>d.id.toLowerCase()===c.toLowerCase());if(p)return H(["vulnerabilities",p.id])}catch{}H(["vulnerabilities"],{q:c})}return a`
    ${e?a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:a`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${u}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${n} onInput=${h=>r(h.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?a`<${Ms} key=${e} id=${e} role=${s} />`:a`
        <${S} error=${l} />
        ${!o&&!l&&a`<${N} />`}
        ${o&&o.length===0&&a`<p class="empty">${i?"No scanned image has a vulnerability matching \u201C"+i+"\u201D.":"No findings stored yet."}</p>`}
        ${o&&o.length>0&&a`<div class="list-tools"><h2>${i?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${A} name="vulnerabilities" columns=${js} rows=${()=>w("/api/v1/vulnerabilities"+U({q:i,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${o.map(h=>a`<tr key=${h.id}><th scope="row"><a href=${C(["vulnerabilities",h.id])}>${h.id}</a></th>
              <td><span class=${W(h.severity)}>${h.severity}</span></td><td class="num">${h.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Vs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Fs(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Bs({cfg:e,onSaved:t}){let[s,n]=k({...e}),[r,i]=k(null);async function o(l){l.preventDefault(),i(null);try{await w("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(u){i(u)}}return a`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${l=>n({...s,strategy:l.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${l=>n({...s,minScannerPods:l.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${l=>n({...s,maxScannerPods:l.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${S} error=${r} />
  </form>`}function Kt({role:e}){let t=E(()=>w("/api/v1/scanners"),[],3e3),s=E(()=>w("/api/v1/queue/history"),[],5e3),n=E(()=>w("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,u)=>(l.state==="active"?0:1)-(u.state==="active"?0:1)),i=s.data?.samples||[],o=i[i.length-1];return a`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&a`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${S} error=${s.error} />
    <${Ee} samples=${i} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&a`<${A} name="scanners" columns=${Vs} rows=${()=>r} />`}</div>
    <${S} error=${t.error} />
    ${!t.data&&!t.error&&a`<${N} />`}
    ${t.data&&r.length===0&&a`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&a`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(l=>a`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(u=>a`<div class="break">${u}</div>`):a`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Fs(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?M(l.db_digest):a`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${I(l.last_seen)}>${L(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${S} error=${n.error} />
    ${n.data&&(n.data.enabled?a`<p>Strategy <strong>${n.data.config.strategy}</strong>, ${n.data.config.minScannerPods}–${n.data.config.maxScannerPods} scanners${n.data.replicas!==void 0?a`, <strong>${n.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&a`<${Bs} key=${JSON.stringify(n.data.config)} cfg=${n.data.config} onSaved=${n.reload} />`}
        <h3>Events</h3>
        ${n.data.events.length===0?a`<p class="empty">No scaling events yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${n.data.events.slice().reverse().map((l,u)=>a`<tr key=${u}><td title=${I(l.time)}>${L(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:a`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Hs=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>zt(e.criteria)],["comment",e=>e.comment]],Ws=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Qe(e){try{return{value:await w(e)}}catch(t){if(t instanceof se&&t.status===404)return{absent:!0};throw t}}function zt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let n=t.replace(/_/g," ");return s===!0?n:Array.isArray(s)?n+": "+s.join(", "):typeof s=="object"?n+": "+Object.entries(s).map(([r,i])=>r+"="+i).join(", "):n+": "+s}).join("; ")}function qs(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Jt(){return a`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Yt(){let e=E(()=>Qe("/api/v1/admission/settings"),[],0),t=E(()=>Qe("/api/v1/admission/rules"),[],0),s=E(()=>Qe("/api/v1/admission/decisions?limit=50"),[],5e3),n=t.data?.absent&&s.data?.absent,r=t.data?.value||[],i=s.data?.value||[],o=e.data?.value;return a`
    <div class="page-head"><h1>Admission</h1></div>
    ${n&&a`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!n&&a`
      ${o&&a`<p>Mode <strong>${o.mode}</strong> (${o.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${o.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&a`<${A} name="admission-rules" columns=${Hs} rows=${()=>r} />`}</div>
      <${S} error=${t.error} />
      ${!t.data&&!t.error&&a`<${N} />`}
      ${t.data&&(r.length===0?a`<p class="empty">No admission rules: every image is allowed${o&&o.no_result==="deny"?", except those without a scan result":""}.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(l=>a`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&a` <span class="muted small">(disabled)</span>`}
                ${l.comment&&a`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${zt(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(o?o.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${i.length>0&&a`<${A} name="admission-decisions" columns=${Ws}
          rows=${async()=>(await w("/api/v1/admission/decisions?limit=1000")).flatMap(u=>(u.images||[]).length?u.images.map(h=>({d:u,im:h})):[{d:u}])} />`}</div>
      <${S} error=${s.error} />
      ${!s.data&&!s.error&&a`<${N} />`}
      ${s.data&&(i.length===0?a`<p class="empty">No decisions yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${i.map(l=>a`<tr key=${l.id}>
              <td title=${I(l.at)}>${L(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${qs(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(u=>a`<div class="break"><span class="mono">${u.image}</span>: ${u.verdict?.action||"?"}${u.verdict?.rule?" by "+u.verdict.rule:""}
                  ${u.verdict?.reason&&a`<span class="muted"> — ${u.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var fe=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Gs=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],Ks=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],zs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>fe(e.fixable)]];function Xt(){let{data:e,error:t}=E(()=>w("/api/v1/console/overview"),[],15e3);if(t&&!e)return a`<div class="page-head"><h1>Overview</h1></div><${S} error=${t} />`;if(!e)return a`<div class="page-head"><h1>Overview</h1></div><${N} />`;let s=fe(e.severities),n=fe(e.fixable),r=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(O.map(l=>[l,(o.severities||{})[l]||0]))})),i=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return a`
    <div class="page-head"><h1>Overview</h1></div>
    <${S} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${n} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${C(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&a`<li class="tile"><a href=${C(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${z} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Ft} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${Ee} samples=${r} title="Findings by severity, per day" timeFmt=${i}
      series=${O.filter(o=>r.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:pe(o)}))} />
    ${r.length<2&&a`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${A} name="fixable-findings" columns=${Ks} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?a`<p class="empty">No finding with a fixed version.</p>`:a`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>a`<tr key=${o.id}><th scope="row"><a href=${C(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${W(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${A} name="not-covered-images" columns=${Gs} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?a`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:a`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>a`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${C(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${M(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${A} name="daily-totals" columns=${zs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>a`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${fe(o.severities)}</td><td class="num hide-sm">${fe(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Js=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Zt(){let{data:e,error:t}=E(()=>w("/api/v1/console/hosts"),[],15e3);return a`
    <div class="page-head"><h1>Hosts</h1></div>
    <${S} error=${t} />
    ${!e&&!t&&a`<${N} />`}
    ${e&&(e.length===0?a`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:a`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?a`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${A} name="hosts" columns=${Js} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>a`<tr key=${s.name}>
            <th scope="row"><a href=${C(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&a`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||a`<span class="muted">unknown</span>`}${s.kernel&&a`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${me} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${L(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ys=[["findings","Findings"],["packages","Packages"]];function Qt({name:e}){let{data:t,error:s}=E(()=>w("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[n,r]=k("findings"),i=a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return a`${i}<h1 class="break">${e}</h1><${S} error=${s} />`;if(!t)return a`${i}<h1 class="break">${e}</h1><${N} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",u=(t.coverage||[]).filter(p=>!p.covered),h={},c={};for(let p of t.vulnerabilities||[]){let d=(p.severity||"UNKNOWN").toUpperCase();h[d]=(h[d]||0)+1,p.fixed_version&&(c[d]=(c[d]||0)+1)}let m=e.replace(/[^A-Za-z0-9._-]+/g,"_");return a`
    ${i}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${o.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${o.kernel&&a`<div><dt>Kernel</dt><dd>${o.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${o.root}</dd></div>
      <div><dt>Scanned</dt><dd>${I(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&a`<div><dt>Database</dt><dd><span class="mono small">${M(t.db.digest)}</span></dd></div>`}
    </dl>
    ${u.length>0&&a`<p class="warn" role="note">Not covered by the database: ${u.map(p=>p.ecosystem+" ("+p.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&a`<p class="note"><${Ce} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>qe(m+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${z} counts=${h} fixable=${c} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ys.map(([p,d])=>a`<button type="button" role="tab" id=${"tab-"+p} aria-controls=${"panel-"+p}
          aria-selected=${n===p?"true":"false"} tabindex=${n===p?0:-1} onClick=${()=>r(p)}>${d}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+n} aria-labelledby=${"tab-"+n} class="panel">
      ${n==="findings"&&a`<${Xe} rep=${t} name=${m} />`}
      ${n==="packages"&&a`<${Ze} rep=${t} name=${m} />`}
    </section>`}var es=50,ae=[["registries","Registries (name or host)","local, *.example.com"],["repositories","Repositories","team/*"],["images","Images (registry/repository:tag)","local/team/app:v1*"],["tags","Tags","v1.*"],["digests","Digests (exact)","sha256:\u2026"],["packages","Packages (or source package)","openssl"],["namespaces","Namespaces (admission only)","dev-*"]];function et(e){let t=ae.filter(([s])=>(e[s]||[]).length>0).map(([s])=>s+" "+e[s].join(", "));return t.length?t.join("; "):"everywhere"}var Xs=[["id",e=>e.id],["vulnerability",e=>e.vulnerability],...ae.map(([e])=>[e,t=>t[e]||[]]),["reason",e=>e.reason],["author",e=>e.author],["created",e=>e.created],["expires",e=>e.expires||""],["state",e=>e.expired?"expired":"active"]];function Zs(e){return Math.max(1,Math.ceil((new Date(e).getTime()-Date.now())/864e5))}function Qs({vulnerability:e="",initial:t,onDone:s,onCancel:n}){let r=!!t,[i,o]=k(r?{vulnerability:t.vulnerability,reason:t.reason,days:t.expires&&!t.expired?String(Zs(t.expires)):"",...Object.fromEntries(ae.map(([_])=>[_,(t[_]||[]).join(", ")]))}:{vulnerability:e,reason:"",days:"30",...Object.fromEntries(ae.map(([_])=>[_,""]))}),[l,u]=k(!1),[h,c]=k(null),[m,p]=k(!1),d=_=>f=>{_==="days"&&u(!0),o({...i,[_]:f.currentTarget.value})};async function g(_){_.preventDefault(),p(!0),c(null);let f={vulnerability:i.vulnerability.trim(),reason:i.reason.trim()};for(let[b]of ae){let y=Ot(i[b]);y.length&&(f[b]=y)}r&&!l&&t.expires&&!t.expired?f.expires=t.expires:i.days.trim()&&(f.days=Number(i.days));try{s(r?await w("/api/v1/exceptions/"+encodeURIComponent(t.id),{method:"PUT",body:f}):await w("/api/v1/exceptions",{method:"POST",body:f}))}catch(b){c(b),p(!1)}}return a`<form class="card form" onSubmit=${g} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">${r?"Edit exception "+t.id:"Add an exception"}</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${i.vulnerability} onInput=${d("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${i.days} onInput=${d("days")} aria-describedby=${r?"exc-days-hint":void 0} />
        ${r&&a`<small id="exc-days-hint">${t.expires?(t.expired?"Expired ":"Now expires ")+I(t.expires)+(t.expired?": give days to renew it.":"; unchanged unless you change the days."):"Now never expires."}</small>`}
      </div>
      ${ae.map(([_,f,b])=>a`<div class="field">
          <label for=${"exc-"+_}>${f}</label>
          <input id=${"exc-"+_} placeholder=${b} value=${i[_]} onInput=${d(_)} aria-describedby="exc-scope-hint" />
        </div>`)}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${i.reason} onInput=${d("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must; <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${S} error=${h} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${m}>${m?"Saving\u2026":r?"Save":"Add exception"}</button>
      <button type="button" onClick=${n}>Cancel</button>
    </div>
  </form>`}function ea({admin:e,onImported:t}){let[s,n]=k(!1),[r,i]=k(null);async function o(l){let u=l.currentTarget.files[0];if(l.currentTarget.value="",!!u){n(!0),i(null);try{let h;try{h=JSON.parse(await u.text())}catch(c){throw new Error(`${u.name} is not JSON: ${c.message}`)}t(u.name,await w("/api/v1/vex",{method:"POST",body:h}))}catch(h){i(h)}n(!1)}}return a`<span class="downloads">
    <button type="button" class="small" onClick=${()=>Se("/api/v1/vex","exceptions.openvex.json").catch(i)}>Export OpenVEX</button>
    ${e&&a`<input id="vex-file" class="sr-only" type="file" accept=".json,application/json" disabled=${s} onChange=${o} />
      <label class="file-button small" for="vex-file">${s?"Importing\u2026":"Import OpenVEX\u2026"}</label>`}
    ${r&&a`<span class="error" role="alert">${r.message}</span>`}
  </span>`}function ta({x:e}){return e.expired?a`<span class="state-badge gone">Expired</span>`:a`<span class="state-badge active">Active</span>`}function ts({role:e,query:t}){let s=e==="admin",n=t.state||"",{data:r,error:i,reload:o}=E(()=>w("/api/v1/exceptions"),[],3e4),[l,u]=k(!!t.new),[h,c]=k(""),[m,p]=k(null),[d,g]=k(0),_=r||[],f=_.filter($=>n==="active"?!$.expired:n==="expired"?$.expired:!0),b=_.filter($=>$.expired).length;function y($,x){c(`Exception ${$.exception.id} ${x}; ${$.reevaluated} stored result${$.reevaluated===1?"":"s"} re-evaluated.`+($.reevaluate_error?" The rest is left to the lead controller: "+$.reevaluate_error:"")),o()}async function v($){p(null);try{y(await w("/api/v1/exceptions/"+encodeURIComponent($.id),{method:"DELETE"}),"deleted")}catch(x){p(x)}}return a`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${s&&!l&&a`<button type="button" class="primary" onClick=${()=>u(!0)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the <a href=${C(["audit"])}>audit log</a>.</p>
    ${s&&l&&a`<${Qs} key=${l===!0?"new":l.id} vulnerability=${t.new||""} initial=${l===!0?null:l}
      onCancel=${()=>u(!1)} onDone=${$=>{let x=l===!0?"created":"saved";u(!1),y($,x)}} />`}
    <p role="status" aria-live="polite" class=${h?"notice":"sr-only"} data-testid="exc-msg">${h}</p>
    <${S} error=${m||i} />
    ${!r&&!i&&a`<${N} />`}
    ${r&&a`<form class="filters" aria-label="Filter exceptions" onSubmit=${$=>$.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${n} onChange=${$=>{g(0),location.hash=C(["exceptions"],{state:$.currentTarget.value})}}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${_.length}</strong> exception${_.length===1?"":"s"}, ${_.length-b} active, ${b} expired${n?a`; <strong>${f.length}</strong> shown`:""}</p>
        <span class="downloads">
          <${ea} admin=${s} onImported=${($,x)=>{c(`${$}: ${x.exceptions.length} exception${x.exceptions.length===1?"":"s"} imported, ${x.skipped.length} statement${x.skipped.length===1?"":"s"} skipped`+(x.skipped.length?" ("+x.skipped.map(P=>"#"+P.statement+": "+P.reason).join("; ")+")":"")+`; ${x.reevaluated} stored result${x.reevaluated===1?"":"s"} re-evaluated.`+(x.reevaluate_error?" The rest is left to the lead controller: "+x.reevaluate_error:"")),o()}} />
          ${f.length>0&&a`<${A} name="exceptions" columns=${Xs} rows=${()=>f} />`}
        </span>
      </div>
      ${f.length===0?a`<p class="empty">No ${n||""} exceptions.${s&&!n?" Add one to stop a finding from counting, with a reason and an expiry.":""}</p>`:a`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col" class="hide-sm">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${s&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${f.slice(d,d+es).map($=>a`<tr key=${$.id} data-exception=${$.id} class=${$.expired?"disabled":""}>
              <th scope="row"><a href=${C(["vulnerabilities",$.vulnerability])}>${$.vulnerability}</a><div class="small muted mono">${$.id}</div></th>
              <td class="small scope">${et($)}</td>
              <td class="small reason">${$.reason}<div class="show-sm muted">by ${$.author}</div></td>
              <td class="small mono hide-sm">${$.author}</td>
              <td class="hide-sm small" title=${I($.created)}>${L($.created)}</td>
              <td class="small">${$.expires?I($.expires):a`<span class="muted">never</span>`}</td>
              <td><${ta} x=${$} /></td>
              ${s&&a`<td class="actions-cell"><button type="button" class="small" aria-label=${"Edit exception "+$.id}
                onClick=${()=>{u($),scrollTo(0,0)}}>Edit</button><button type="button" class="small danger" aria-label=${"Delete exception "+$.id}
                onClick=${()=>confirm(`Delete exception ${$.id} (${$.vulnerability})? Its findings count again.`)&&v($)}>Delete</button></td>`}
            </tr>`)}</tbody></table></div>
          <${V} offset=${d} size=${es} total=${f.length} onGo=${g} label="Pages of exceptions" />`}`}`}var tt=50;function sa(e){let t=e.after||e.before;return!t||typeof t!="object"?"":e.kind==="exception"?`${t.vulnerability} (${et(t)})${t.expires?", expires "+I(t.expires):""} \u2014 ${t.reason}`:e.kind==="subscription"?`${t.name||t.id}: ${t.format||"json"} to ${t.url||"?"}${t.min_severity?", "+t.min_severity+" and above":""}${t.events&&t.events.length?", events "+t.events.join(", "):""}`:e.kind==="token"?`${t.name} (${t.role})${t.expires_at?", expires "+I(t.expires_at):""}${t.revoked?", revoked by "+(t.revoked_by||"?"):""}`:""}function ss({query:e}){let t=e.kind||"",s=e.actor||"",n=Number(e.before)||0,{data:r,error:i,loading:o}=E(()=>w("/api/v1/audit"+U({kind:t,actor:s,before:n||"",limit:tt+1})),[t,s,n],15e3),[l,u]=k(null),h=(r||[]).slice(0,tt),c=(r||[]).length>tt,m=p=>H(["audit"],{kind:t,actor:s,...p});return a`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions, subscriptions and API tokens: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${p=>{p.preventDefault(),m({actor:p.currentTarget.elements["audit-actor"].value.trim(),before:""})}}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${t} onChange=${p=>m({kind:p.currentTarget.value,before:""})}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option><option value="token">Tokens</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${s} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${S} error=${i} />
    ${!r&&!i&&a`<${N} />`}
    ${r&&a`<p role="status" data-testid="audit-count">${h.length===0?n?"No older entries.":"No changes recorded yet.":`${n?"Older entries":"The newest entries"}: ${h.length} shown${c?", older ones on the next page":", no older ones"}`}${o?" (refreshing\u2026)":""}</p>
    ${h.length>0&&a`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${h.map(p=>a`<tr key=${p.id} data-audit=${p.id}>
            <td title=${I(p.at)}>${L(p.at)}<div class="small muted hide-sm">${I(p.at)}</div></td>
            <td class="mono small">${p.actor}</td>
            <th scope="row">${p.action} ${p.kind} <span class="mono small">${p.object}</span></th>
            <td class="small what">${sa(p)}</td>
            <td><button type="button" class="small" aria-expanded=${l===p.id?"true":"false"}
              aria-label=${(l===p.id?"Hide":"Show")+" before and after of entry "+p.id}
              onClick=${()=>u(l===p.id?null:p.id)}>${l===p.id?"Hide":"Details"}</button></td>
          </tr>
          ${l===p.id&&a`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${p.before?JSON.stringify(p.before,null,2):"(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${p.after?JSON.stringify(p.after,null,2):"(none: deleted)"}</pre></div>
          </div></td></tr>`}`)}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!n} onClick=${()=>m({before:""})}>Newest</button>
      <button type="button" disabled=${!c} onClick=${()=>m({before:h[h.length-1].id})}>Older</button>
    </nav>`}`}var aa=[["image.findings_added","An image gains findings"],["image.findings_removed","An image loses findings"],["image.entered_kev","Findings enter CISA KEV"],["scan.failed","A scan fails for good"],["crawl.failed","A registry crawl fails"],["admission.denied","Admission denies a workload"]],na=["","CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE"],as=20,ns=1e3;function oa({onDone:e,onCancel:t}){let[s,n]=k({url:"",name:"",format:"json",min_severity:"",events:[],secret:""}),[r,i]=k(null),[o,l]=k(!1),u=m=>p=>n({...s,[m]:p.currentTarget.value}),h=m=>p=>n({...s,events:p.currentTarget.checked?[...s.events,m]:s.events.filter(d=>d!==m)});async function c(m){m.preventDefault(),l(!0),i(null);let p={url:s.url.trim(),name:s.name.trim()||void 0,format:s.format,min_severity:s.min_severity||void 0,events:s.events.length?s.events:void 0,secret:s.secret||void 0};try{e(await w("/api/v1/subscriptions",{method:"POST",body:p}))}catch(d){i(d),l(!1)}}return a`<form class="card form" onSubmit=${c} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${s.url} onInput=${u("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${s.name} onInput=${u("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${s.format} onChange=${u("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${s.min_severity} onChange=${u("min_severity")}>
          ${na.map(m=>a`<option value=${m}>${m?m[0]+m.slice(1).toLowerCase()+" and above":"Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${s.secret} onInput=${u("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${aa.map(([m,p])=>a`<span class="check">
            <input id=${"sub-ev-"+m.replace(/\./g,"-")} type="checkbox" checked=${s.events.includes(m)} onChange=${h(m)} />
            <label for=${"sub-ev-"+m.replace(/\./g,"-")}>${p} <code>${m}</code></label></span>`)}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${S} error=${r} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${o}>${o?"Saving\u2026":"Add subscription"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function ra(e){return e==="delivered"?"state-badge active":e==="failed"?"state-badge gone":"state-badge"}function ia({sub:e}){let{data:t,error:s,loading:n}=E(()=>w(`/api/v1/subscriptions/${encodeURIComponent(e.id)}/deliveries`),[e.id],3e3),[r,i]=k(0),o=t||[];return a`<div class="deliveries" data-testid=${"deliveries-"+e.id}>
    <h3>Deliveries to ${e.name||e.id}</h3>
    <${S} error=${s} />
    ${!t&&!s&&a`<${N} />`}
    ${t&&a`<p role="status" class="small">${o.length===0?"Nothing sent yet.":`${o.length} deliver${o.length===1?"y":"ies"}, newest first`}${o.length>=ns?` (the newest ${ns}, the API's most: older ones exist)`:""}${n?" (refreshing\u2026)":""}</p>
    ${o.length>0&&a`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${e.name||e.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${o.slice(r,r+as).map(l=>a`<tr key=${l.id} data-delivery=${l.id}>
          <td title=${I(l.created_at)}>${L(l.created_at)}</td>
          <th scope="row">${l.kind}<div class="small muted mono">${l.id}</div></th>
          <td><span class=${ra(l.state)}>${l.state}</span></td>
          <td class="num">${l.attempts}</td>
          <td>${l.last_status||a`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${l.last_error||""}</td>
          <td class="hide-sm small">${l.state==="delivered"?I(l.delivered_at):l.state==="pending"?"next "+I(l.next_at):"gave up"}</td>
        </tr>`)}</tbody></table></div>
    <${V} offset=${r} size=${as} total=${o.length} onGo=${i} label=${"Pages of deliveries to "+(e.name||e.id)} />`}`}
  </div>`}function os({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=E(()=>t?w("/api/v1/subscriptions"):Promise.resolve(null),[t],15e3),[i,o]=k(!1),[l,u]=k(""),[h,c]=k(null),[m,p]=k(null),[d,g]=k(null);async function _(f,b){g(null);try{await f(),u(b),r()}catch(y){g(y)}}return t?a`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!i&&a`<button type="button" class="primary" onClick=${()=>o(!0)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${i&&a`<${oa} onCancel=${()=>o(!1)} onDone=${f=>{o(!1),c(f.secret?{id:f.id,secret:f.secret}:null),u("Subscription "+f.id+" added."),r()}} />`}
    ${h&&a`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${h.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${h.secret}</code></p>
      <button type="button" class="small" onClick=${()=>c(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${l?"notice":"sr-only"} data-testid="sub-msg">${l}</p>
    <${S} error=${d||n} />
    ${!s&&!n&&a`<${N} />`}
    ${s&&s.length===0&&a`<p class="empty">No subscriptions yet.</p>`}
    ${s&&s.length>0&&a`<p><strong>${s.length}</strong> subscription${s.length===1?"":"s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${s.map(f=>a`<tr key=${f.id} data-subscription=${f.id} class=${f.enabled?"":"disabled"}>
            <th scope="row">${f.name}${!f.enabled&&a` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${f.id}</div></th>
            <td class="mono small break">${f.url}<div class="muted">${f.format==="slack"?"Slack":"signed JSON"}</div></td>
            <td class="small">${f.min_severity?f.min_severity+" and above":"any severity"}; ${f.events&&f.events.length?f.events.join(", "):"all events"}</td>
            <td class="hide-sm small">${f.secret_set?"set (never shown)":"none"}</td>
            <td class="hide-sm small"><span class="mono">${f.author}</span><div class="muted" title=${I(f.created)}>${L(f.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to "+f.id}
                onClick=${()=>_(async()=>{await w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}/test`,{method:"POST"}),p(f.id)},"Test notification queued for "+f.id+"; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${m===f.id?"true":"false"} aria-label=${"Delivery log of "+f.id}
                onClick=${()=>p(m===f.id?null:f.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription "+f.id}
                onClick=${()=>confirm(`Delete subscription ${f.name}? Nothing more is sent to it.`)&&_(()=>w(`/api/v1/subscriptions/${encodeURIComponent(f.id)}`,{method:"DELETE"}),"Subscription "+f.id+" deleted.")}>Delete</button>
            </td>
          </tr>
          ${m===f.id&&a`<tr class="detail"><td colspan="6"><${ia} sub=${f} /></td></tr>`}`)}</tbody></table></div>`}`:a`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`}var rs=50,la=[["namespace",e=>e.namespace],["workload_kind",e=>e.workload_kind],["workload",e=>e.workload],["pod",e=>e.pod],["container",e=>e.container],["container_kind",e=>e.container_kind],["image",e=>e.image],["digest",e=>e.digest||""],["scanned",e=>e.scanned],["scanned_digest",e=>e.scanned_digest||""],["vulnerabilities",e=>e.vulnerabilities],...O.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0])],ca=[["","All"],["false","Not covered (never scanned)"],["true","Scanned"]];function is({query:e}){let t={namespace:e.namespace||"",cve:(e.cve||"").trim(),scanned:e.scanned||""},s=JSON.stringify(t),{data:n,error:r,loading:i}=E(()=>w("/api/v1/workloads"+U(t)),[s],15e3),[o,l]=Q(t.namespace),[u,h]=Q(t.cve),[c,m]=k(0),p=f=>{m(0),H(["workloads"],{...t,...f})},d=n||[],g=t.namespace||t.cve||t.scanned,_=d.filter(f=>!f.scanned).length;return a`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${f=>{f.preventDefault(),p({namespace:o.trim(),cve:u.trim()})}}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${o} onInput=${f=>l(f.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${u} onInput=${f=>h(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${t.scanned} onChange=${f=>p({namespace:o.trim(),cve:u.trim(),scanned:f.currentTarget.value})}>
          ${ca.map(([f,b])=>a`<option value=${f}>${b}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!n&&!r&&a`<${N} />`}
    ${n&&a`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${d.length}</strong> running container${d.length===1?"":"s"}${t.cve?a` carrying <a href=${C(["vulnerabilities",t.cve])}>${t.cve}</a>`:""}${t.namespace?" in "+t.namespace:""}${!t.scanned&&_>0?a`, <a href=${C(["workloads"],{...t,scanned:"false"})}><strong>${_}</strong> not covered</a> (never scanned)`:""}${i?" (refreshing\u2026)":""}</p>
        ${d.length>0&&a`<${A} name="workloads" columns=${la} rows=${()=>d} />`}
      </div>
      ${d.length===0?a`<p class="empty">${g?"No running container matches.":"No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."}</p>`:a`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${d.slice(c,c+rs).map(f=>a`<tr key=${f.pod_uid+"/"+f.container} data-workload=${f.namespace+"/"+f.workload}>
              <th scope="row">${f.namespace}/${f.workload}<div class="small muted">${f.workload_kind} · pod ${f.pod}<span class="show-sm"> · ${f.container}</span></div></th>
              <td class="hide-sm">${f.container}${f.container_kind&&f.container_kind!=="container"?a` <span class="small muted">(${f.container_kind})</span>`:""}</td>
              <td class="small break"><span class="mono">${f.image}</span>
                <div class="muted mono" title=${f.digest||""}>${f.digest?M(f.digest):"digest not reported"}</div></td>
              <td>${f.scanned?a`<a href=${C(["image",f.scanned_digest])}>scanned</a><div class="small muted" title=${I(f.scanned_at)}>${L(f.scanned_at)}</div>`:a`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${f.scanned?a`<${me} sev=${f.severities||{}} /> <span class="small muted">(${f.vulnerabilities})</span>`:a`<span class="muted">unknown</span>`}</td>
            </tr>`)}</tbody></table></div>
          <${V} offset=${c} size=${rs} total=${d.length} onGo=${m} label="Pages of workloads" />`}`}`}var da=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"workloads",label:"Workloads"},{key:"exceptions",label:"Exceptions"},{key:"audit",label:"Audit log"},{key:"subscriptions",label:"Subscriptions",role:"admin"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function pa(){let[e,t]=k(We());return B(()=>{let s=()=>t(We());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function ua({onLogin:e}){let[t,s]=k(""),[n,r]=k(""),[i,o]=k(!1);async function l(u){u.preventDefault(),o(!0),r("");let h=t.trim();try{let c=await w("/api/v1/whoami",{token:h});e(c),we(h)}catch(c){r(c.status===401?"This token is not valid.":c.message),o(!1)}}return a`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${u=>s(u.currentTarget.value)} autofocus />
      ${n&&a`<p class="error" role="alert">${n}</p>`}
      <button type="submit" class="primary" disabled=${i}>${i?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function ma({role:e,who:t,route:s,onLogout:n}){let r=s.parts[0]||"images",i=te(null),o=te(!0);B(()=>{if(o.current){o.current=!1;return}i.current&&i.current.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=a`<${Ut} role=${e} />`;break;case"image":l=a`<${Wt} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=a`<${Gt} id=${s.parts[1]} query=${s.query} role=${e} />`;break;case"scanners":l=a`<${Kt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?a`<${Jt} />`:a`<${Yt} />`;break;case"overview":l=a`<${Xt} />`;break;case"hosts":l=a`<${Zt} />`;break;case"host":l=a`<${Qt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=a`<${Bt} query=${s.query} />`;break;case"exceptions":l=a`<${ts} role=${e} query=${s.query} />`;break;case"audit":l=a`<${ss} query=${s.query} />`;break;case"subscriptions":l=a`<${os} role=${e} />`;break;case"workloads":l=a`<${is} query=${s.query} />`;break;default:l=a`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let u=r==="image"?"images":r==="host"?"hosts":r,h=da.filter(c=>(!c.needs||t&&t[c.needs])&&(!c.role||e===c.role));return a`
    <a class="skip" href="#main" onClick=${c=>{c.preventDefault(),i.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(c=>a`<li><a href=${C([c.key])} aria-current=${u===c.key?"page":void 0}>${c.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${t&&t.name&&a`<span class="token-name" title=${"The API token you logged in with"+(t.expires_at?", expires "+I(t.expires_at):"")}>${t.name}</span>`}
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${n}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${i}>${l}</main>`}function fa(){let e=pa(),[t,s]=k(Nt()),[n,r]=k(null),i=n?n.role:"";return B(()=>Tt(o=>s(o)),[]),B(()=>{!t||n||w("/api/v1/whoami").then(o=>r(o)).catch(()=>{})},[t]),B(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?a`<${ma} role=${i} who=${n} route=${e} onLogout=${()=>{r(null),we("")}} />`:a`<${ua} onLogin=${o=>r(o)} />`}ht(a`<${fa} />`,document.getElementById("app"));
